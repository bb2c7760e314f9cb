"""Running a storage tool: one function the drivers call (and tests fake).

``secrets`` are values that must never reach a log or an error message
(CHAP passwords): they are replaced by ``***`` in what is reported.
"""

import shlex
import subprocess

from services.volume import exception


def command(prefix, *args):
    """``prefix`` (a configured command line such as ``sudo tgtadm``) and
    ``args`` as one argument list."""
    return shlex.split(prefix or '') + [str(a) for a in args]


def redact(text, secrets):
    for secret in secrets or ():
        if secret:
            text = text.replace(secret, '***')
    return text


def run(argv, secrets=(), timeout=120, check=True):
    """Run ``argv``; its standard output.  A failure (or a non-zero exit
    with ``check``) is a DriverError whose reason names the command and
    its error output, with ``secrets`` masked."""
    shown = redact(' '.join(argv[:4]), secrets)
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.SubprocessError) as exc:
        raise exception.DriverError(reason='%s: %s' % (shown, redact(str(exc), secrets)))
    if check and result.returncode != 0:
        raise exception.DriverError(reason='%s: exit %d: %s' % (
            shown, result.returncode, redact(result.stderr.strip()[-300:], secrets)))
    return result.stdout
