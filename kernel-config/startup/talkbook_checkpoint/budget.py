"""Keeping a conversation's checkpoints within its byte budget (TALKBOOK_CHECKPOINT_MB).

The newest `keep_recent` checkpoints and the protected ones (the one the kernel's variables
come from and the one before it, so the last cell can always be undone) are never dropped.
Older ones are thinned: every other one, oldest first, pass after pass, until the folder fits.
So the history keeps a spread of old points to branch from as long as the budget allows.
"""


def thinning_order(manifests, keep_recent, protected):
    """Checkpoint ids in the order they are dropped."""
    ordered = sorted(manifests.values(), key=lambda m: (m.get("seq", 0), m["id"]))
    recent = {m["id"] for m in ordered[-keep_recent:]} if keep_recent > 0 else set()
    candidates = [m["id"] for m in ordered if m["id"] not in recent and m["id"] not in protected]
    order = []
    while candidates:
        order.extend(candidates[0::2])
        candidates = candidates[1::2]
    return order


def thin(store, budget_bytes, keep_recent, protected):
    """Drop checkpoints (and the blobs only they used) until the store fits `budget_bytes`.
    Returns the dropped ids."""
    from .store import blobs_of

    store.refresh()
    dropped = []
    if store.total_bytes() <= budget_bytes:
        return dropped
    for checkpoint_id in thinning_order(store.manifests, keep_recent, protected):
        manifest = store.manifests.get(checkpoint_id)
        if manifest is None:
            continue
        blobs = [blob for blob, _ in blobs_of(manifest)]
        store.delete_manifest(checkpoint_id)
        store.collect(blobs)
        dropped.append(checkpoint_id)
        if store.total_bytes() <= budget_bytes:
            break
    return dropped
