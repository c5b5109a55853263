"""No secret in a log line: the filter settings.LOGGING puts on every handler.

Secrets reach logs by the side door: httpx logs every request's full URL at INFO (and Meta's token
exchanges carry client_secret and the token in the query), an SDK's error repeats the URL it called, a
404 warning names the path of an expired invite link. So the finished line is redacted, arguments and
traceback included, rather than trusting each caller to leave secrets out.
"""

import logging
import re

REDACTED = "[redacted]"

# Query and form parameters, JSON fields and Python reprs whose name says secret: access_token,
# refresh_token, client_secret, code, password, api_key, signature, appsecret_proof, fb_exchange_token...
SECRET_NAME = r"(?:[\w.-]*(?:token|secret|password|passwd|key|signature|proof|credential)|code|sig|pwd|session)"  # nosec B105 # the names of secrets to hide, not a secret
PARAMETER = re.compile(rf"(?i)(\b{SECRET_NAME}=)[^&\s\"'#<>]+")
FIELD = re.compile(rf"(?i)([\"']{SECRET_NAME}[\"']\s*:\s*[\"'])[^\"']+")
SCHEME = re.compile(r"(?i)(\b(?:bearer|oauth|basic)\s+)[\w.~+/=-]{8,}")
# Routes with a secret in the path (team/urls.py, networks/urls.py): the last segment goes.
SECRET_PATH = re.compile(
    r"(/(?:password/reset/[^/\s]+|setup|invite|account/email/confirm|networks/media)/)[^/\s?#\"'<>]+"
)


def redact(text: str) -> str:
    text = PARAMETER.sub(rf"\g<1>{REDACTED}", text)
    text = FIELD.sub(rf"\g<1>{REDACTED}", text)
    text = SCHEME.sub(rf"\g<1>{REDACTED}", text)
    return SECRET_PATH.sub(rf"\g<1>{REDACTED}", text)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a call with the wrong arguments: log what was given, still redacted
            message = f"{record.msg} {record.args!r}"
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
