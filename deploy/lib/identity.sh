# Identity service (alto-identity-api, keystone-compatible Identity v3 on :5000).
# Sourced by deploy/stack.sh after deploy/lib/common.sh; every function is idempotent.

# identity.conf is read by every identity daemon; the database URL is in identity-db.conf,
# which only the database owner (the API) and alto-manage read.

IDENTITY_CONF=$ALTO_ETC/identity.conf
IDENTITY_DB_CONF=$ALTO_ETC/identity-db.conf
IDENTITY_URL=http://$HOST_IP:5000/v3

identity_manage() {
    as_service_user "$ALTO_VENV/bin/alto-manage" --config-file "$IDENTITY_CONF" \
        --config-file "$IDENTITY_DB_CONF" identity "$@"
}

# identity_daemons: "NAME ARGS" per daemon.  The API owns its database.
identity_daemons() {
    echo "alto-identity-api --config-file $IDENTITY_CONF --config-file $IDENTITY_DB_CONF"
}

identity_configure() {
    state_dir "$ALTO_STATE" "$ALTO_LOGS"
    iniset "$IDENTITY_CONF" DEFAULT state_path "$ALTO_STATE"
    iniset "$IDENTITY_CONF" DEFAULT log_file "$ALTO_LOGS/alto-identity-api.log"
    iniset "$IDENTITY_CONF" DEFAULT transport_url "$TRANSPORT_URL"
    iniset "$IDENTITY_CONF" api bind_host "$HOST_IP"
    iniset "$IDENTITY_CONF" api bind_port 5000
    iniset "$IDENTITY_CONF" api workers 1
    # An older layout kept [database] in identity.conf.
    inimove_section "$IDENTITY_CONF" "$IDENTITY_DB_CONF" database
    iniset "$IDENTITY_DB_CONF" database connection "$(db_url identity)"
    iniset "$IDENTITY_CONF" fernet_tokens key_repository "$ALTO_STATE/fernet-keys"
    iniset "$IDENTITY_CONF" identity password_hash_rounds 12
    identity_manage db sync
    identity_manage fernet-setup
    identity_manage credential_setup
}

identity_start() {
    start_daemons identity
    wait_for_http "$IDENTITY_URL" 60
}

identity_bootstrap() {
    identity_manage bootstrap --bootstrap-password "$ADMIN_PASSWORD" \
        --bootstrap-region-id "$REGION" \
        --bootstrap-public-url "$IDENTITY_URL" \
        --bootstrap-internal-url "$IDENTITY_URL" \
        --bootstrap-admin-url "$IDENTITY_URL"
    admin_openstack project show --domain default service >/dev/null 2>&1 \
        || admin_openstack project create --domain default --description "Service users" service >/dev/null
    admin_openstack project show --domain default demo >/dev/null 2>&1 \
        || admin_openstack project create --domain default --description "Demo project" demo >/dev/null
    if admin_openstack user show --domain default demo >/dev/null 2>&1; then
        # reset the password only when it changed: a reset revokes the user's tokens
        OS_CLOUD=altostratus OS_CLIENT_CONFIG_FILE=$CLOUDS_YAML "$ALTO_VENV/bin/openstack" \
            token issue >/dev/null 2>&1 \
            || admin_openstack user set --domain default --password "$ADMIN_PASSWORD" demo >/dev/null
    else
        admin_openstack user create --domain default --project demo --password "$ADMIN_PASSWORD" demo >/dev/null
    fi
    admin_openstack role add --project demo --user demo member >/dev/null
}
