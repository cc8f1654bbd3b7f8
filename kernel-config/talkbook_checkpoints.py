"""No file checkpoints.

Jupyter's FileCheckpoints keep copies in `.ipynb_checkpoints/` beside each file and build those
paths themselves, past the contents manager's link checks: a kernel that replaced the folder with
a link to a host folder made the root server delete (or write) `<that folder>/<name>-checkpoint.<ext>`.
Talkbook never uses checkpoints (it keeps its own history), so there are none: nothing is copied,
listed, renamed, restored or deleted.
"""
from jupyter_server.services.contents.checkpoints import Checkpoints
from tornado import web


class NoCheckpoints(Checkpoints):
    def create_checkpoint(self, contents_mgr, path):
        raise web.HTTPError(404, "Talkbook keeps no checkpoints")

    def restore_checkpoint(self, contents_mgr, checkpoint_id, path):
        raise web.HTTPError(404, "Talkbook keeps no checkpoints")

    def rename_checkpoint(self, checkpoint_id, old_path, new_path):
        pass

    def delete_checkpoint(self, checkpoint_id, path):
        raise web.HTTPError(404, "Talkbook keeps no checkpoints")

    def list_checkpoints(self, path):
        return []

    def rename_all_checkpoints(self, old_path, new_path):
        pass

    def delete_all_checkpoints(self, path):
        pass
