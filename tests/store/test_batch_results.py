"""batch_results: one row per (file content, options) key on SQLite and PostgreSQL alike, the
first stored result wins, concurrent writers of one key leave one row."""

from concurrent.futures import ThreadPoolExecutor

from reviewer.store.batchrepo import result_key


def test_key_is_stored_once_and_first_result_wins(store):
    key = result_key("a" * 64, "opts1")
    assert key != result_key("a" * 64, "opts2") and key != result_key("b" * 64, "opts1")
    assert store.put_batch_result(key, file_sha256="a" * 64, options_hash="opts1", file_name="企业甲.docx", ok=True,
                                  result={"ok": True, "score": 87, "file": "企业甲.docx"}, worker="host:1", seconds=1.5)
    assert not store.put_batch_result(key, file_sha256="a" * 64, options_hash="opts1", file_name="企业甲.docx",
                                      ok=True, result={"ok": True, "score": 10}, worker="host:2")
    got = store.get_batch_results([key, "missing"])
    assert list(got) == [key] and got[key]["result"]["score"] == 87 and got[key]["worker"] == "host:1"
    assert store.batch_result_keys([key, "missing"]) == {key}
    assert store.count_batch_results() == 1
    assert store.delete_batch_results([key]) == 1 and store.count_batch_results() == 0


def test_racing_writers_leave_one_row(store):
    keys = [result_key(f"{i:064d}", "o") for i in range(5)]

    def put(args):
        k, worker = args
        return store.put_batch_result(k, file_sha256="x" * 64, options_hash="o", file_name=k[:8], ok=True,
                                      result={"ok": True, "by": worker}, worker=str(worker))

    with ThreadPoolExecutor(8) as pool:
        won = list(pool.map(put, [(k, w) for k in keys for w in range(4)]))
    assert sum(won) == len(keys)  # exactly one insert per key succeeded
    assert store.count_batch_results(keys) == len(keys)
