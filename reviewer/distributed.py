"""Batch review on a Dask distributed cluster: many machines share a province's backlog.

Why Dask distributed: it is pure Python and pip-installable (no broker to install and operate,
unlike Celery + Redis/RabbitMQ), a cluster is two commands (``dask scheduler`` on one machine,
``dask worker tcp://HOST:8786`` on each other), and its scheduler already does what a batch needs:
it notices a worker that died and runs that worker's tasks elsewhere. Ray would do the same but is
a much heavier dependency (a 60+ MB wheel with its own object store and dashboard).

Exactly-once results do not rely on Dask: each task is ``reviewer.batch.review_and_record``, which
stores its result in the database under a unique key (file sha256 + options hash) before it
returns, and skips a report whose key is already stored. A task retried after its worker died
therefore either finds the result there or computes it again; a duplicate insert is ignored.
"""

from __future__ import annotations

from collections.abc import Callable

from reviewer.errors import ReviewerError


class ClusterError(ReviewerError):
    code = "cluster"


def run_on_dask(tasks: list, address: str, on_done: Callable[[str], None] | None = None,
                connect_timeout_s: float = 30, task_retries: int = 3) -> list[str]:
    """Run ``review_and_record`` for every task on the cluster at ``address``; returns the keys.

    Futures are named by the result key, so the same report submitted twice (two coordinators,
    a coordinator restarted while the cluster still works) is one task on the scheduler."""
    try:
        from distributed import Client, as_completed
    except ImportError as exc:  # declared dependency; its absence is a broken install
        raise ClusterError("未安装 dask distributed（pip install distributed），无法使用分布式批量审查。") from exc
    from reviewer.batch import review_and_record

    try:
        client = Client(address, timeout=connect_timeout_s, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"无法连接分布式调度器 {address}：{exc}。请确认 dask scheduler 已启动且地址、端口正确。") from exc
    done: list[str] = []
    try:
        futures = [client.submit(review_and_record, t, key=f"review-{t.key}", pure=False, retries=task_retries)
                   for t in tasks]
        for fut in as_completed(futures, loop=client.loop):
            try:
                key = fut.result()
            except Exception as exc:
                raise ClusterError(f"分布式审查任务失败（{type(exc).__name__}：{exc}）。"
                                   "已完成的报告结果已保存，重新运行本批次即可续审。") from exc
            done.append(key)
            if on_done:
                on_done(key)
    finally:
        client.close()
    return done


class LoopbackCluster:
    """A Dask scheduler and ``n_workers`` single-threaded worker processes on 127.0.0.1, started
    with the same commands an operator runs (``dask scheduler`` / ``dask worker``), for tests and
    benchmarks. Workers run without a nanny, so a killed worker stays dead (as a lost machine would)."""

    def __init__(self, n_workers: int, port: int, log_path=None, nthreads: int = 1):
        import os
        import subprocess
        import sys

        self.address = f"tcp://127.0.0.1:{port}"
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONUNBUFFERED": "1"}
        self._log = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115 (closed in close())
        self.scheduler = subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", str(port),
             "--no-dashboard"], stdout=self._log, stderr=subprocess.STDOUT, env=env)
        self.workers = [subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", self.address, "--nthreads", str(nthreads),
             "--no-nanny", "--no-dashboard", "--name", f"w{i}", "--memory-limit", "0"],
            stdout=self._log, stderr=subprocess.STDOUT, env=env) for i in range(n_workers)]

    def wait_for_workers(self, n: int | None = None, timeout: float = 60) -> None:
        from distributed import Client

        with Client(self.address, timeout=timeout, set_as_default=False) as c:
            c.wait_for_workers(len(self.workers) if n is None else n, timeout=timeout)

    def close(self) -> None:
        import subprocess

        procs = [*self.workers, self.scheduler]  # workers first: one outliving its scheduler retries for 30 s
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=5)
        if hasattr(self._log, "close"):
            self._log.close()

    def __enter__(self) -> LoopbackCluster:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
