"""SmallObjectCache (app/storage/cache.py): bounded by bytes, least recently used leave first, only whole copies."""

from app.storage.cache import BytesStream, SmallObjectCache


def test_off_when_the_total_is_zero():
    cache = SmallObjectCache(0, 1024)
    assert not cache.holds(1)
    cache.put("b", "k", b"x")
    assert cache.get("b", "k") is None and cache.size == 0


def test_an_object_larger_than_the_bound_or_the_total_is_not_kept():
    cache = SmallObjectCache(10, 100)  # the object bound never exceeds the total
    assert cache.holds(10) and not cache.holds(11) and not cache.holds(0)
    cache.put("b", "k", b"x" * 11)
    assert cache.get("b", "k") is None


def test_the_least_recently_used_leave_until_the_total_fits():
    cache = SmallObjectCache(6, 4)
    cache.put("b", "1", b"aa")
    cache.put("b", "2", b"bb")
    cache.put("b", "3", b"cc")
    assert cache.get("b", "1") == b"aa"  # 2 is now the least recent
    cache.put("b", "4", b"dddd")
    assert [cache.get("b", k) for k in "1234"] == [b"aa", None, None, b"dddd"]
    assert cache.size == 6


def test_a_key_kept_twice_counts_once():
    cache = SmallObjectCache(10, 10)
    cache.put("b", "k", b"abc")
    cache.put("b", "k", b"abc")
    assert cache.size == 3


def test_a_bytes_stream_is_one_chunk_and_empty_after_close():
    stream = BytesStream(b"abc")
    assert list(stream) == [b"abc"]
    stream.close()
    assert list(stream) == [] and list(BytesStream(b"")) == []
