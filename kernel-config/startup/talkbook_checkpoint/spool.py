"""Where a group is pickled: a stream that hashes what it is given, in memory until it grows
big, then in a file of the checkpoint folder's tmp/ (renamed into place if its bytes are new)."""
import io
import os
import secrets

from .store import new_hasher

IN_MEMORY = 16 * 1024 * 1024


class Spool(io.RawIOBase):
    """A write-only stream that hashes what it is given, in memory until it grows big."""

    def __init__(self, tmp_dir):
        super().__init__()
        self.tmp_dir = tmp_dir
        self.hasher = new_hasher()
        self.memory = io.BytesIO()
        self.file = None
        self.path = None
        self.size = 0

    def writable(self):
        return True

    def seekable(self):
        return True

    def write(self, data):
        with memoryview(data) as view:
            self.hasher.update(view)
            if self.file is None and self.size + view.nbytes > IN_MEMORY:
                self.path = os.path.join(self.tmp_dir, f"spool-{secrets.token_hex(8)}")
                self.file = open(self.path, "wb")
                self.file.write(self.memory.getbuffer())
                self.memory = None
            (self.file or self.memory).write(view)
            self.size += view.nbytes
            return view.nbytes

    def seek(self, offset, whence=0):
        if offset != 0 or whence != 0:
            raise io.UnsupportedOperation("a spool only rewinds to the start")
        return 0

    def truncate(self, size=None):
        self.discard()
        self.hasher = new_hasher()
        self.memory = io.BytesIO()
        self.size = 0
        return 0

    def discard(self):
        if self.file is not None:
            self.file.close()
            os.unlink(self.path)
            self.file = None
            self.path = None

    def data(self):
        """The bytes written so far (reads the spill file back: only for small spools)."""
        if self.file is None:
            return self.memory.getvalue()
        self.file.flush()
        with open(self.path, "rb") as f:
            return f.read()
