"""Disk format inspection: real images from qemu-img and genisoimage, crafted
headers, and uploads through the API refused as glance's inspector does."""

import shutil
import struct
import subprocess

import pytest

from services.image import formats

from tests.unit.image.conftest import ALICE, message
from tests.unit.image.test_data_api import upload
from tests.unit.image.test_images_api import create

MiB = 1 << 20
needs_qemu_img = pytest.mark.skipif(not shutil.which('qemu-img'), reason='no qemu-img')


def qemu_img(tmp_path, fmt, size='4M', options=None, name=None):
    path = tmp_path / (name or 'disk.%s' % fmt)
    cmd = ['qemu-img', 'create', '-q', '-f', fmt]
    if options:
        cmd += ['-o', options]
    subprocess.run(cmd + [str(path), size], check=True, cwd=tmp_path)
    return path.read_bytes()


def iso_image(tmp_path):
    tool = shutil.which('genisoimage') or shutil.which('mkisofs')
    if not tool:
        pytest.skip('no genisoimage')
    (tmp_path / 'iso').mkdir()
    (tmp_path / 'iso' / 'hello.txt').write_text('hello')
    out = tmp_path / 'x.iso'
    subprocess.run([tool, '-quiet', '-o', str(out), str(tmp_path / 'iso')], check=True)
    return out.read_bytes()


def inspect(disk_format, data, chunk=65536):
    inspector = formats.Inspector(disk_format)
    for i in range(0, len(data), chunk):
        inspector.feed(data[i:i + chunk])
    inspector.verdict()
    return inspector


@needs_qemu_img
@pytest.mark.parametrize('fmt,options,declared', [
    ('qcow2', None, 'qcow2'), ('qcow2', 'compat=0.10', 'qcow2'),
    ('vmdk', None, 'vmdk'), ('vmdk', 'subformat=streamOptimized', 'vmdk'),
    ('vpc', None, 'vhd'), ('vpc', 'subformat=fixed', 'vhd'),
    ('vhdx', None, 'vhdx'), ('vdi', None, 'vdi'), ('raw', None, 'raw'),
])
def test_real_images_pass_as_their_format(tmp_path, fmt, options, declared):
    data = qemu_img(tmp_path, fmt, options=options)
    inspector = inspect(declared, data, chunk=4096)
    if declared in ('qcow2', 'vmdk', 'raw', 'vdi'):
        assert inspector.virtual_size == 4 * MiB
    if declared == 'vhd':
        assert inspector.virtual_size >= 4 * MiB  # vpc rounds up to its geometry


@needs_qemu_img
@pytest.mark.parametrize('fmt,options,declared', [
    ('qcow2', None, 'raw'), ('qcow2', None, 'vmdk'), ('vmdk', None, 'qcow2'),
    ('vpc', None, 'raw'), ('vpc', 'subformat=fixed', 'raw'), ('vhdx', None, 'ami'),
    ('vdi', None, 'aki'), ('raw', None, 'qcow2'), ('raw', None, 'iso'),
    ('raw', None, 'vhd'), ('raw', None, 'vhdx'),
])
def test_real_images_refused_as_another_format(tmp_path, fmt, options, declared):
    data = qemu_img(tmp_path, fmt, options=options)
    with pytest.raises(formats.FormatMismatch):
        inspect(declared, data)


@needs_qemu_img
def test_qcow2_with_backing_file_or_data_file_is_refused(tmp_path):
    qemu_img(tmp_path, 'raw', name='base.raw')
    over = qemu_img(tmp_path, 'qcow2', options='backing_file=base.raw,backing_fmt=raw',
                    name='over.qcow2')
    with pytest.raises(formats.UnsafeImage, match='backing file'):
        inspect('qcow2', over)
    external = qemu_img(tmp_path, 'qcow2', options='data_file=ext.raw', name='ext.qcow2')
    with pytest.raises(formats.UnsafeImage, match='external data file'):
        inspect('qcow2', external)


@needs_qemu_img
def test_vmdk_flat_and_descriptor_files_are_refused(tmp_path):
    flat = qemu_img(tmp_path, 'vmdk', options='subformat=monolithicFlat', name='f.vmdk')
    assert flat.startswith(formats.VMDK_TEXT)  # the descriptor names f-flat.vmdk
    with pytest.raises(formats.UnsafeImage):
        inspect('vmdk', flat)
    with pytest.raises(formats.FormatMismatch):
        inspect('raw', flat)


def test_iso_passes_and_a_qcow2_hidden_in_it_is_refused(tmp_path):
    iso = iso_image(tmp_path)
    inspect('iso', iso)
    with pytest.raises(formats.FormatMismatch):
        inspect('raw', iso)
    hidden = b'QFI\xfb' + struct.pack('>I', 3) + b'\0' * 16 + struct.pack('>Q', MiB) \
        + iso[32:]
    with pytest.raises(formats.UnsafeImage, match='several formats'):
        inspect('iso', hidden)
    with pytest.raises(formats.UnsafeImage, match='several formats'):
        inspect('qcow2', hidden)


def test_refusal_comes_once_the_prefix_is_read():
    inspector = formats.Inspector('qcow2')
    with pytest.raises(formats.FormatMismatch):
        for _ in range(100):  # a 100 MiB stream of zeros is refused at its first MiB
            inspector.feed(b'\0' * MiB)
    assert inspector.size == MiB
    assert len(inspector.head) == formats.PREFIX_BYTES and len(inspector.tail) == 512


def test_raw_like_and_uninspected_formats():
    for fmt in ('raw', 'ami', 'ari', 'aki', 'ploop'):
        inspect(fmt, b'plain bytes' * 1000)
    inspect('ploop', b'QFI\xfb' + b'\0' * 200)
    inspect('raw', b'')
    with pytest.raises(formats.FormatMismatch):
        inspect('qcow2', b'')


# -- through the API ----------------------------------------------------------------

def test_upload_of_foreign_data_is_400_and_leaves_the_image_queued(api, store):
    image = create(api, disk_format='qcow2')
    body = upload(api, image['id'], b'not a qcow2' * 10000, status=400).json
    assert 'does not match disk_format qcow2' in message(body)
    shown = api.get('/v2/images/%s' % image['id'], headers=ALICE).json
    assert shown['status'] == 'queued' and shown['size'] is None
    assert not store.exists(store.location_for(image['id']))


@needs_qemu_img
def test_upload_of_a_real_qcow2(api, tmp_path):
    image = create(api, disk_format='qcow2')
    upload(api, image['id'], qemu_img(tmp_path, 'qcow2', size='16M'))
    shown = api.get('/v2/images/%s' % image['id'], headers=ALICE).json
    assert shown['status'] == 'active' and shown['virtual_size'] == 16 * MiB
    raw = create(api, disk_format='raw')
    upload(api, raw['id'], qemu_img(tmp_path, 'qcow2', name='b.qcow2'), status=400)


def test_staged_import_is_inspected(api):
    image = create(api, disk_format='vhdx')
    upload(api, image['id'], b'\0' * 4096, path='stage')
    resp = api.post_json('/v2/images/%s/import' % image['id'],
                         {'method': {'name': 'glance-direct'}}, headers=ALICE, status='*')
    assert resp.status_int == 400
    assert api.get('/v2/images/%s' % image['id'], headers=ALICE).json['status'] != 'active'


def test_enforcement_can_be_turned_off(api, conf):
    conf.set_override('require_image_format_match', False, group='image')
    image = create(api, disk_format='qcow2')
    upload(api, image['id'], b'anything')
    assert api.get('/v2/images/%s' % image['id'], headers=ALICE).json['status'] == 'active'


def test_virtual_size_beyond_the_column_is_refused_not_a_500(api, conf):
    header = b'QFI\xfb' + struct.pack('>I', 3) + b'\0' * 16 + struct.pack('>Q', 2 ** 64 - 1)
    with pytest.raises(formats.UnsafeImage):
        inspect('qcow2', header + b'\0' * 100)
    image = create(api, disk_format='qcow2')
    upload(api, image['id'], header + b'\0' * 100, status=400)
    conf.set_override('require_image_format_match', False, group='image')
    upload(api, image['id'], header + b'\0' * 100)
    shown = api.get('/v2/images/%s' % image['id'], headers=ALICE).json
    assert shown['status'] == 'active' and shown['virtual_size'] is None
