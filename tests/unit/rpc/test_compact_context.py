"""The context an RPC message carries (RequestContext.to_rpc_dict) is
rebuilt on the other side as the whole to_dict would be."""
from stratus import context
from stratus import rpc


def _rebuilt(ctx, compact):
    serializer = rpc.RequestContextSerializer(compact=compact)
    return serializer.deserialize_context(serializer.serialize_context(ctx))


def test_a_compact_context_is_rebuilt_the_same():
    contexts = [
        context.RequestContext(
            user_id="u", project_id="p", roles=["member", "reader"],
            request_id="req-1", global_request_id="req-g", user_name="un",
            project_name="pn", cell_uuid="c", auth_token="t",
            service_catalog=[{"type": "image", "endpoints": []},
                             {"type": "volume"}]),
        context.get_admin_context(),
        context.RequestContext(user_id="u", project_id="p", read_only=True,
                               show_deleted=True)]
    for ctx in contexts:
        whole, compact = _rebuilt(ctx, False), _rebuilt(ctx, True)
        assert compact.to_dict() == whole.to_dict()
        assert compact.to_rpc_dict() == ctx.to_rpc_dict()
    assert "user" not in contexts[0].to_rpc_dict()
