#!/bin/sh
# udhcpc's event script in the Stratus tiny guest.
case "$1" in
    deconfig)
        ip addr flush dev "$interface"
        ip link set "$interface" up
        ;;
    bound|renew)
        ip addr flush dev "$interface"
        ip addr add "$ip/${mask:-24}" dev "$interface"
        if [ -n "$staticroutes" ]; then
            # Option 121: "dest/len gateway" pairs; it overrides routers.
            set -- $staticroutes
            while [ $# -ge 2 ]; do
                ip route add "$1" via "$2" dev "$interface"
                shift 2
            done
        elif [ -n "$router" ]; then
            ip route add default via "${router%% *}" dev "$interface"
        fi
        {
            echo "ip=$ip"
            echo "dhcp_hostname=$hostname"
        } > /run/net.env
        ;;
esac
exit 0
