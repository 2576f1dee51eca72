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
