"""Mail kept in the data dir when no SMTP server is set: private, as it holds password-reset links."""

import os

from django.core.mail.backends.filebased import EmailBackend as FileBackend

from firsthand.system.private import FILE_MODE, private_dir


class PrivateFileBackend(FileBackend):
    """Django's file backend, with the folder 0700 and each message 0600 whatever the umask."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from pathlib import Path

        private_dir(Path(self.file_path))

    def open(self):
        if self.stream is None:
            fd = os.open(self._get_filename(), os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
            self.stream = os.fdopen(fd, "ab")
            return True
        return False
