"""The resource tracker's report chunks: small first, grown while the
conductor answers quickly, shrunk when it is slow (a cell conductor
writing placement over REST registers far fewer nodes a second than one
writing it in SQL), so no chunk waits for the RPC timeout."""
from stratus.compute import resource_tracker


def test_chunks_grow_while_answered_quickly_up_to_the_largest():
    chunks = resource_tracker.ReportChunks(target=5.0)
    sizes = []
    for _ in range(8):
        sizes.append(chunks.size)
        chunks.answered(0.5)
    assert sizes == [50, 100, 200, 400, 800, 1000, 1000, 1000]


def test_a_slow_answer_halves_the_chunk_and_a_middling_one_keeps_it():
    chunks = resource_tracker.ReportChunks(target=5.0)
    for _ in range(4):
        chunks.answered(1.0)
    assert chunks.size == 800
    chunks.answered(7.0)
    assert chunks.size == 800
    chunks.answered(30.0)
    assert chunks.size == 400
    for _ in range(10):
        chunks.answered(60.0)
    assert chunks.size == resource_tracker.REPORT_CHUNK_MIN


class _SlowConductor:
    """Answers compute_nodes_update as a conductor registering each new
    node over REST would: in time proportional to the chunk."""

    def __init__(self, clock, seconds_per_node):
        self.clock = clock
        self.seconds_per_node = seconds_per_node
        self.chunks = []

    def compute_nodes_update(self, ctx, host, compute_nodes, traits=None):
        self.chunks.append(len(compute_nodes.objects))
        self.clock[0] += self.seconds_per_node * len(compute_nodes.objects)
        return list(compute_nodes.objects)


class _Driver:
    def __init__(self, count):
        self.count = count

    def node_resources(self):
        from stratus.virt import driver as virt_driver
        return [virt_driver.NodeResources(
            nodename="node%d" % index, vcpus=4, memory_mb=8192,
            local_gb=100, hypervisor_type="fake", hypervisor_version=1,
            cpu_info="{}", host_ip=None) for index in range(self.count)]


def test_a_report_of_many_nodes_never_sends_a_slow_chunk(monkeypatch):
    from stratus import conf as stratus_conf
    clock = [0.0]
    monkeypatch.setattr(resource_tracker.time, "monotonic",
                        lambda: clock[0])
    conductor = _SlowConductor(clock, seconds_per_node=0.02)
    tracker = resource_tracker.ResourceTracker(
        stratus_conf.build_conf(config_files=[]), "cmp1", _Driver(3000),
        conductor)
    stored = tracker._report(None, tracker.driver.node_resources(), True)
    assert len(stored) == 3000 and sum(conductor.chunks) == 3000
    # 0.02 s a node: 250 nodes take the 5 s target, so chunks settle
    # between 200 and 400 and none takes over 10 s.
    assert max(conductor.chunks) * 0.02 <= 10.0
    assert conductor.chunks[:3] == [50, 100, 200]
