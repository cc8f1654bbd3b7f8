"""The checkpoint folder: content-addressed blobs and one small JSON manifest per checkpoint.

    <folder>/FORMAT                    "talkbook-checkpoints 1"
    <folder>/blobs/<h[:2]>/<h>         bytes whose hash is <h> (written once, never changed)
    <folder>/checkpoints/<id>.json     a manifest (see manifest.py)
    <folder>/tmp/                      blobs being written (renamed into place when complete)

A hash is the first 256 bits (64 hex digits) of BLAKE2b-512 of the bytes (Node computes the
same with `createHash('blake2b512')`). Writes go to tmp/ and are renamed into place, so a blob
or manifest is either complete or absent; nothing is fsynced (a checkpoint is a cache of state
the cells can rebuild).
"""
import hashlib
import json
import mmap
import os
import re
import secrets
import time

FORMAT = "talkbook-checkpoints 1"
HASH = re.compile(r"[0-9a-f]{64}")
CHECKPOINT_ID = re.compile(r"[0-9]{6,12}-[0-9a-f]{8}")
CHUNK = 4 * 1024 * 1024
ORPHAN_AGE_S = 3600
BIG_READ = 1024 * 1024


def new_hasher():
    return hashlib.blake2b(digest_size=64)


def digest(hasher):
    return hasher.hexdigest()[:64]


def hash_bytes(data):
    hasher = new_hasher()
    hasher.update(data)
    return digest(hasher)


class StoreError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


class Store:
    def __init__(self, folder):
        self.folder = os.path.abspath(folder)
        self.blob_dir = os.path.join(self.folder, "blobs")
        self.manifest_dir = os.path.join(self.folder, "checkpoints")
        self.tmp_dir = os.path.join(self.folder, "tmp")
        for path in (self.folder, self.blob_dir, self.manifest_dir, self.tmp_dir):
            os.makedirs(path, exist_ok=True)
        marker = os.path.join(self.folder, "FORMAT")
        if not os.path.exists(marker):
            self._write_atomic(marker, (FORMAT + "\n").encode())
        else:
            with open(marker) as f:
                found = f.read().strip()
            if found != FORMAT:
                raise StoreError("failed", f"{self.folder} holds checkpoints of another format")
        self.sizes = {}
        self.manifests = {}
        self.manifest_bytes = {}
        self._manifest_dir_mtime = None
        self._scan_blobs()
        self.refresh()
        self.collect_orphans()

    # blobs ---------------------------------------------------------------------------------

    def blob_path(self, blob):
        if not isinstance(blob, str) or not HASH.fullmatch(blob):
            raise StoreError("bad_request", "That is not a blob hash.")
        return os.path.join(self.blob_dir, blob[:2], blob)

    def has(self, blob):
        return blob in self.sizes

    def put_bytes(self, data):
        """Store `data` (any buffer); returns (hash, size, newly written)."""
        with memoryview(data) as view:
            blob = hash_bytes(view)
            if blob in self.sizes:
                return blob, view.nbytes, False
            tmp = self._tmp_path()
            with open(tmp, "wb") as f:
                f.write(view)
            self._commit(tmp, blob, view.nbytes)
            return blob, view.nbytes, True

    def put_spool(self, spool):
        blob = digest(spool.hasher)
        if blob in self.sizes:
            spool.discard()
            return blob, spool.size, False
        if spool.file is not None:
            spool.file.close()
            spool.file = None
            tmp = spool.path
        else:
            tmp = self._tmp_path()
            with open(tmp, "wb") as f:
                f.write(spool.memory.getbuffer())
        self._commit(tmp, blob, spool.size)
        return blob, spool.size, True

    def put_file(self, fd, max_bytes):
        """Copy an open file (from its start) into the store, hashing while copying. Returns
        (hash, size, newly written), or None when it turns out bigger than `max_bytes`."""
        hasher = new_hasher()
        tmp = self._tmp_path()
        size = 0
        try:
            with open(tmp, "wb") as out:
                offset = 0
                while True:
                    chunk = os.pread(fd, CHUNK, offset)
                    if not chunk:
                        break
                    offset += len(chunk)
                    size += len(chunk)
                    if size > max_bytes:
                        os.unlink(tmp)
                        return None
                    hasher.update(chunk)
                    out.write(chunk)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        blob = digest(hasher)
        if blob in self.sizes:
            os.unlink(tmp)
            return blob, size, False
        self._commit(tmp, blob, size)
        return blob, size, True

    def read(self, blob):
        """The blob's bytes in writable memory (numpy arrays made on it stay writable)."""
        path = self.blob_path(blob)
        try:
            with open(path, "rb", buffering=0) as f:
                size = os.fstat(f.fileno()).st_size
                data = writable_memory(size)
                with memoryview(data).cast("B") as view:
                    got = 0
                    while got < size:
                        n = f.readinto(view[got:])
                        if not n:
                            break
                        got += n
        except FileNotFoundError:
            raise StoreError("missing", f"The checkpoint's blob {blob[:12]}… is missing.")
        if got != size:
            raise StoreError("missing", f"The checkpoint's blob {blob[:12]}… is truncated.")
        return data

    def map(self, blob):
        """The blob as a private copy-on-write mapping of its file: nothing is read until used,
        pages come from the page cache, and writes stay in the kernel's memory. The file can
        be deleted (thinned) while mapped; it is never changed in place."""
        path = self.blob_path(blob)
        try:
            with open(path, "rb") as f:
                if os.fstat(f.fileno()).st_size == 0:
                    return bytearray()
                return mmap.mmap(f.fileno(), 0, flags=mmap.MAP_PRIVATE, prot=mmap.PROT_READ | mmap.PROT_WRITE)
        except FileNotFoundError:
            raise StoreError("missing", f"The checkpoint's blob {blob[:12]}… is missing.")

    def read_range(self, blob, offset, length):
        with open(self.blob_path(blob), "rb") as f:
            return os.pread(f.fileno(), length, offset)

    def delete_blob(self, blob):
        try:
            os.unlink(self.blob_path(blob))
        except FileNotFoundError:
            pass
        self.sizes.pop(blob, None)

    def _tmp_path(self):
        return os.path.join(self.tmp_dir, f"blob-{secrets.token_hex(8)}")

    def _commit(self, tmp, blob, size):
        target = self.blob_path(blob)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.replace(tmp, target)
        self.sizes[blob] = size

    def _scan_blobs(self):
        with os.scandir(self.blob_dir) as prefixes:
            for prefix in prefixes:
                if not prefix.is_dir(follow_symlinks=False):
                    continue
                with os.scandir(prefix.path) as entries:
                    for entry in entries:
                        if HASH.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                            self.sizes[entry.name] = entry.stat(follow_symlinks=False).st_size

    # manifests -----------------------------------------------------------------------------

    def manifest_path(self, checkpoint_id):
        if not isinstance(checkpoint_id, str) or not CHECKPOINT_ID.fullmatch(checkpoint_id):
            raise StoreError("bad_request", "That is not a checkpoint id.")
        return os.path.join(self.manifest_dir, f"{checkpoint_id}.json")

    def refresh(self):
        """Pick up manifests written or removed by someone else (a copy into this folder)."""
        mtime = os.stat(self.manifest_dir).st_mtime_ns
        if mtime == self._manifest_dir_mtime:
            return
        self._manifest_dir_mtime = mtime
        present = set()
        for name in os.listdir(self.manifest_dir):
            checkpoint_id = name[:-5] if name.endswith(".json") else None
            if not checkpoint_id or not CHECKPOINT_ID.fullmatch(checkpoint_id):
                continue
            present.add(checkpoint_id)
            if checkpoint_id in self.manifests:
                continue
            try:
                with open(os.path.join(self.manifest_dir, name), "rb") as f:
                    raw = f.read()
                self.manifests[checkpoint_id] = json.loads(raw)
                self.manifest_bytes[checkpoint_id] = len(raw)
            except (OSError, ValueError):
                continue
            for blob, _ in blobs_of(self.manifests[checkpoint_id]):
                if blob not in self.sizes:
                    try:
                        self.sizes[blob] = os.stat(self.blob_path(blob)).st_size
                    except (OSError, StoreError):
                        pass
        for gone in set(self.manifests) - present:
            self.manifests.pop(gone, None)
            self.manifest_bytes.pop(gone, None)

    def write_manifest(self, manifest):
        raw = json.dumps(manifest, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        self._write_atomic(self.manifest_path(manifest["id"]), raw)
        self.manifests[manifest["id"]] = manifest
        self.manifest_bytes[manifest["id"]] = len(raw)
        self._manifest_dir_mtime = os.stat(self.manifest_dir).st_mtime_ns

    def manifest(self, checkpoint_id):
        self.manifest_path(checkpoint_id)
        self.refresh()
        found = self.manifests.get(checkpoint_id)
        if found is None:
            raise StoreError("not_found", f"There is no checkpoint {checkpoint_id}.")
        return found

    def delete_manifest(self, checkpoint_id):
        try:
            os.unlink(self.manifest_path(checkpoint_id))
        except FileNotFoundError:
            pass
        self.manifests.pop(checkpoint_id, None)
        self.manifest_bytes.pop(checkpoint_id, None)
        self._manifest_dir_mtime = os.stat(self.manifest_dir).st_mtime_ns

    def next_seq(self):
        self.refresh()
        return 1 + max((m.get("seq", 0) for m in self.manifests.values()), default=0)

    def new_id(self):
        """(id, seq) for the next checkpoint: ids sort by seq, the random part keeps copies apart."""
        seq = self.next_seq()
        return f"{seq:06d}-{secrets.token_hex(4)}", seq

    # sizes and collection -------------------------------------------------------------------

    def total_bytes(self):
        return sum(self.sizes.values()) + sum(self.manifest_bytes.values())

    def referenced(self):
        counts = {}
        for manifest in self.manifests.values():
            for blob, _ in blobs_of(manifest):
                counts[blob] = counts.get(blob, 0) + 1
        return counts

    def collect(self, candidates):
        """Delete those of `candidates` (blob hashes) that no manifest refers to."""
        counts = self.referenced()
        freed = 0
        for blob in set(candidates):
            if blob not in counts and blob in self.sizes:
                freed += self.sizes[blob]
                self.delete_blob(blob)
        return freed

    def collect_orphans(self, age_s=ORPHAN_AGE_S):
        """Blobs no manifest refers to and tmp files, left by an interrupted save or import."""
        cutoff = time.time() - age_s
        counts = self.referenced()
        for blob in list(self.sizes):
            if blob in counts:
                continue
            try:
                if os.stat(self.blob_path(blob)).st_mtime < cutoff:
                    self.delete_blob(blob)
            except OSError:
                self.sizes.pop(blob, None)
        for name in os.listdir(self.tmp_dir):
            path = os.path.join(self.tmp_dir, name)
            try:
                if os.stat(path).st_mtime < cutoff:
                    os.unlink(path)
            except OSError:
                pass

    def _write_atomic(self, path, raw):
        tmp = os.path.join(self.tmp_dir if os.path.isdir(self.tmp_dir) else self.folder, f".write-{secrets.token_hex(8)}")
        with open(tmp, "wb") as f:
            f.write(raw)
        os.replace(tmp, path)


def writable_memory(size):
    """`size` bytes to read into. A bytearray zero-fills its memory first, which costs as much
    as the read itself for big blobs; numpy's empty array leaves it untouched until read into."""
    if size >= BIG_READ:
        try:
            import numpy

            return numpy.empty(size, dtype=numpy.uint8)
        except ImportError:
            pass
    return bytearray(size)


def blobs_of(manifest):
    """(hash, what) for every blob a manifest refers to."""
    for group in manifest.get("groups", []):
        yield group["pickle"], "variables"
        for blob in group.get("buffers", []):
            yield blob, "variables"
    if manifest.get("random"):
        yield manifest["random"], "random"
    for entries in (manifest.get("files", {}), manifest.get("before", {})):
        for entry in entries.values():
            if entry.get("kept") and entry.get("hash"):
                yield entry["hash"], "files"
