"""Real servers for the shared-infrastructure test variants, started on loopback by the tests.

- PostgreSQL: the Debian ``postgresql`` package (installed with apt-get when its binaries are
  missing), a throw-away cluster made with ``initdb`` in a temporary directory, ``postgres`` on
  127.0.0.1 and a free port. PostgreSQL refuses to run as root, so under root the cluster is owned
  by and run as the ``postgres`` system user the package creates.
- Chroma: ``chroma run`` from the installed chromadb package.

A server that cannot be started raises: the tests that need it fail, they are never skipped.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"


class ServerStartError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, proc: subprocess.Popen, timeout: float, what: str, log: Path | None = None) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
            raise ServerStartError(f"{what} exited with {proc.returncode} while starting:\n{tail}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise ServerStartError(f"{what} did not open port {port} within {timeout:.0f} s")


# ---- PostgreSQL --------------------------------------------------------------------------------
def pg_bindir() -> Path:
    """The newest installed PostgreSQL server binaries; apt-get installs them when none are present."""
    dirs = sorted(glob.glob(PG_BIN_GLOB), key=lambda d: int(Path(d).parent.name) if Path(d).parent.name.isdigit() else 0)
    if not any(Path(d, "initdb").exists() for d in dirs):
        sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "postgresql"]):
            r = subprocess.run(sudo + cmd, env=env, capture_output=True, text=True, timeout=900)
            if r.returncode != 0:
                raise ServerStartError(f"{' '.join(cmd)} failed: {r.stderr[-2000:]}")
        dirs = sorted(glob.glob(PG_BIN_GLOB))
    for d in reversed(dirs):
        if Path(d, "initdb").exists() and Path(d, "postgres").exists():
            return Path(d)
    raise ServerStartError("no PostgreSQL server binaries under /usr/lib/postgresql after installing the package")


class PostgresServer:
    """A private PostgreSQL cluster; ``url`` is a SQLAlchemy URL for its ``postgres`` database."""

    def __init__(self) -> None:
        self.bindir = pg_bindir()
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="reviewer-pg-"))
        self.datadir = self.root / "data"
        self.proc: subprocess.Popen | None = None
        self.user: int | None = None  # run initdb/postgres as this uid (root only)
        self.group: int | None = None
        if os.geteuid() == 0:
            import pwd

            try:
                pw = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise ServerStartError("running as root but there is no 'postgres' user to run the server") from exc
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
            os.chmod(self.root, 0o700)
            self.user, self.group = pw.pw_uid, pw.pw_gid

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self, timeout: float = 60) -> PostgresServer:
        try:
            self._start(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self, timeout: float) -> None:
        r = subprocess.run([str(self.bindir / "initdb"), "-D", str(self.datadir), "-U", "postgres",
                                           "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"],
                           capture_output=True, text=True, timeout=120, user=self.user, group=self.group,
                           extra_groups=[] if self.user is not None else None, cwd=self.root)
        if r.returncode != 0:
            raise ServerStartError(f"initdb failed: {r.stdout[-1000:]}{r.stderr[-2000:]}")
        log = self.root / "postgres.log"
        # Only TCP on loopback; the socket directory is private (no clash with a system cluster).
        # fsync off: a test cluster is thrown away, durability costs seconds per test here.
        cmd = [str(self.bindir / "postgres"), "-D", str(self.datadir), "-p", str(self.port),
                              "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.root}",
                              "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                              "-c", "max_connections=200"]
        with open(log, "wb") as fh:
            self.proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True,
                                         user=self.user, group=self.group, cwd=self.root,
                                         extra_groups=[] if self.user is not None else None)
        _wait_port(self.port, self.proc, timeout, "postgres", log)
        self._wait_ready(timeout)

    def _wait_ready(self, timeout: float) -> None:
        import sqlalchemy as sa

        deadline = time.time() + timeout
        engine = sa.create_engine(self.url, poolclass=sa.pool.NullPool)
        try:
            while True:
                try:
                    with engine.connect() as c:
                        c.exec_driver_sql("SELECT 1")
                    return
                except sa.exc.OperationalError:  # "the database system is starting up"
                    if time.time() > deadline:
                        raise
                    time.sleep(0.2)
        finally:
            engine.dispose()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            # SIGINT = fast shutdown: SIGTERM ("smart") would wait for the pooled test connections.
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # postmaster and its backends
                self.proc.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)


# ---- Chroma ------------------------------------------------------------------------------------
class ChromaServer:
    """``chroma run`` on loopback with its own data directory."""

    def __init__(self, path: Path) -> None:
        exe = shutil.which("chroma")
        if exe is None:  # the chromadb wheel installs it; its absence is a broken install
            raise ServerStartError("the `chroma` command from the chromadb package is missing")
        self.exe = exe
        self.path = Path(path)
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> ChromaServer:
        self.path.mkdir(parents=True, exist_ok=True)
        log = self.path.parent / f"chroma-{self.port}.log"
        with open(log, "wb") as fh:
            self.proc = subprocess.Popen([self.exe, "run", "--path", str(self.path), "--host", "127.0.0.1",
                                          "--port", str(self.port)], stdout=fh, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        try:
            _wait_port(self.port, self.proc, timeout, "chroma run", log)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
