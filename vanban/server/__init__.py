"""The Prefect servers a run talks to, and the local server that ``vanban server`` keeps up.

vanban's Prefect home is ``~/.vanban/prefect`` unless ``PREFECT_HOME`` is set (a user's setting
wins). It holds Prefect's database, so the runs made with a temporary server are still listed
when the office later starts the local one and opens its UI, and ``logs/`` with the servers' own
output, which never reaches the clerk's terminal.

A run talks to, in this order: the server named by ``PREFECT_API_URL``; the local server started
by ``vanban server start`` (pid file in the home); else a temporary server of its own, what
Prefect calls its ephemeral server. vanban starts that one itself, at once, so that it boots
while the workbook is read and validated, with the start-up time a busy machine needs.

A server that cannot start is diagnosed from its exit and its own output
(:func:`vanban.server.diagnosis.diagnose`): a corrupt database, a Prefect home that cannot be
written or is full, a port another program holds, each becomes one Vietnamese line and an exit
code, and only a fault that a new attempt can clear (a port taken between vanban's probe and the
server's bind) is tried again. The local server's record is trusted only as far as it can be
proved (:func:`vanban.server.local.check_local`): a process is signalled only when its port
answers as Prefect and that very process listens on it.

Nothing here imports Prefect: a server is a child process and a run needs only its address. The
flow module is imported in one place, :func:`vanban.server.connection.flow_module`.

The modules, one job each:

- :mod:`~vanban.server.home`: the Prefect home, vanban's settings for Prefect, the servers'
  logs, environment and child process;
- :mod:`~vanban.server.diagnosis`: what a server's exit means (pure functions);
- :mod:`~vanban.server.ports`: free ports, and who answers at an address;
- :mod:`~vanban.server.listener`: the proof that a process listens on a port, and ending one;
- :mod:`~vanban.server.temporary`: a run's own temporary server;
- :mod:`~vanban.server.record`: ``vanban-server.json``, the local server's record;
- :mod:`~vanban.server.local`: the local server of ``vanban server start|stop|status``;
- :mod:`~vanban.server.connection`: which server a run talks to, made ready in the background.
"""
