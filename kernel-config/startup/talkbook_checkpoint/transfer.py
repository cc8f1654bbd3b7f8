"""Moving checkpoints between folders and out of the kernel: a checkpoint travels as its
manifest plus the blobs it names (each verified against its hash when it arrives), so a store
that has some blobs already (Talkbook's database, another folder) only receives the others.
"""
import json
import os
import shutil

from .manifest import Invalid, validate
from .store import CHUNK, HASH, Store, StoreError, blobs_of, digest, new_hasher

MAX_READ = 16 * 1024 * 1024


def export(store, checkpoint_id):
    manifest = store.manifest(checkpoint_id)
    blobs = {}
    for blob, _ in blobs_of(manifest):
        if blob not in store.sizes:
            raise StoreError("missing", f"The checkpoint's blob {blob[:12]}… is missing.")
        blobs[blob] = store.sizes[blob]
    return {"checkpoint": manifest, "blobs": [{"hash": blob, "size": size} for blob, size in sorted(blobs.items())]}


def read_blob(store, blob, offset, length):
    store.blob_path(blob)
    if blob not in store.sizes:
        raise StoreError("missing", f"There is no blob {blob[:12]}….")
    offset, length = int(offset), max(0, min(int(length), MAX_READ))
    return store.read_range(blob, offset, length)


def missing_blobs(store, hashes):
    return [blob for blob in hashes if isinstance(blob, str) and HASH.fullmatch(blob) and blob not in store.sizes]


def put_blob(store, blob, offset, final, chunks):
    """Append `chunks` to the blob being received; with `final`, check its hash and store it."""
    store.blob_path(blob)
    part = os.path.join(store.tmp_dir, f"incoming-{blob}.part")
    if blob in store.sizes:
        return {"size": store.sizes[blob], "stored": True}
    if offset == 0:
        open(part, "wb").close()
    try:
        size = os.stat(part).st_size
    except FileNotFoundError:
        raise StoreError("changed", "That blob's upload was not started (offset 0 first).")
    if size != offset:
        raise StoreError("changed", f"The blob upload is at {size} bytes, not {offset}.")
    with open(part, "ab") as f:
        for chunk in chunks:
            f.write(chunk)
        size = f.tell()
    if not final:
        return {"size": size, "stored": False}
    hasher = new_hasher()
    with open(part, "rb") as f:
        while chunk := f.read(CHUNK):
            hasher.update(chunk)
    if digest(hasher) != blob:
        os.unlink(part)
        raise StoreError("bad_hash", "The blob's bytes do not match its hash.")
    store._commit(part, blob, size)
    return {"size": size, "stored": True}


def import_manifest(store, manifest):
    """Add a checkpoint whose blobs are all here already."""
    try:
        validate(manifest)
    except Invalid as error:
        raise StoreError("bad_request", f"That is not a checkpoint manifest: {error}")
    lacking = sorted({blob for blob, _ in blobs_of(manifest) if blob not in store.sizes})
    if lacking:
        raise StoreError("missing", f"{len(lacking)} of the checkpoint's blobs have not arrived.")
    store.refresh()
    existing = store.manifests.get(manifest["id"])
    if existing is not None and json.dumps(existing, sort_keys=True) != json.dumps(manifest, sort_keys=True):
        raise StoreError("taken", f"A different checkpoint {manifest['id']} is already there.")
    store.write_manifest(manifest)
    return {"id": manifest["id"]}


def copy_checkpoint(source_folder, checkpoint_id, target_folder, ancestors=1):
    """Copy a checkpoint (and up to `ancestors` checkpoints before it, so its cell can be undone
    in the copy too) with their blobs into another folder (branching a conversation)."""
    source = Store(source_folder)
    target = Store(target_folder)
    copied = []
    current = checkpoint_id
    for _ in range(int(ancestors) + 1):
        if not current or current not in source.manifests:
            if not copied:
                raise StoreError("not_found", f"There is no checkpoint {checkpoint_id}.")
            break
        manifest = source.manifests[current]
        for blob, _ in blobs_of(manifest):
            if not target.has(blob):
                tmp = target._tmp_path()
                shutil.copyfile(source.blob_path(blob), tmp)
                target._commit(tmp, blob, os.stat(tmp).st_size)
        import_manifest(target, manifest)
        copied.append(current)
        current = manifest.get("parent")
    return {"copied": copied, "totalBytes": target.total_bytes()}
