"""Availability zone → aggregates: with ``[scheduler]
query_placement_for_availability_zone``, a requested zone becomes
``member_of`` its aggregates (host aggregates are mirrored into
placement). A zone without aggregates, such as the default one, is left
to AvailabilityZoneFilter."""


def apply(ctx, conf, spec, query):
    zone = spec.get("availability_zone")
    if not zone or not conf.scheduler.query_placement_for_availability_zone:
        return
    in_zone = {aggregate.uuid for aggregate in query.aggregates(ctx)
               if aggregate.availability_zone == zone}
    if in_zone:
        query.member_of.append(in_zone)
