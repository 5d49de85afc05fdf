#!/bin/sh
# /init of the Stratus tiny guest (busybox). Every line starting with
# STRATUS-GUEST- is a marker the tests and benchmarks read from the serial
# console.
export PATH=/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /run /tmp /mnt/config /dev/pts
mount -t devpts devpts /dev/pts
# root's password is locked until the guest agent sets one (dropbear
# takes keys only: -s).
echo "root:x:0:0:root:/root:/bin/sh" > /etc/passwd
echo "root:*:20000:0:99999:7:::" > /etc/shadow
chmod 600 /etc/shadow

host=
for word in $(cat /proc/cmdline); do
    case "$word" in
        stratus.hostname=*) host=${word#stratus.hostname=} ;;
    esac
done
if [ -n "$host" ]; then
    hostname "$host"
    echo "STRATUS-GUEST-UP $host"
fi

# insmod does not resolve dependencies: the lists name them in order.
load_modules() {
    for module in $(cat "$1"); do
        insmod "/lib/modules/$module.ko" 2>/dev/null
    done
}
load_modules /etc/modules
# The virtio disks and their sizes in MiB (a rescued guest boots the
# rescue image from vda with its own disk as vdb).
disks=
for disk in /sys/block/vd*; do
    [ -e "$disk/size" ] || continue
    disks="$disks ${disk##*/}=$(($(cat "$disk/size") / 2048))"
done
echo "STRATUS-GUEST-DISKS${disks:- none}"
# Early, or an ACPI power-button press (soft reboot, stop) is lost.
acpid -c /etc/acpi -l /var/log/acpid.log
# The SATA cdrom (config drive) is not needed to get networked.
load_modules /etc/modules.late &
late_modules=$!

ip link set lo up
if ip link show eth0 >/dev/null 2>&1; then
    ip link set eth0 up
    udhcpc -i eth0 -s /etc/udhcpc.sh -O staticroutes -t 10 -T 1 -A 1 -n -q \
        >/dev/null 2>&1
fi
ip=
dhcp_hostname=
[ -f /run/net.env ] && . /run/net.env
if [ -z "$host" ]; then
    host=${dhcp_hostname:-localhost}
    hostname "$host"
    echo "STRATUS-GUEST-UP $host"
fi
if [ -n "$ip" ]; then
    echo "STRATUS-GUEST-NET $ip"
else
    echo "STRATUS-GUEST-NET none"
fi

json_string() {  # json_string KEY FILE: the string value of the last KEY
    sed -n "s/.*\"$1\": *\"\\([^\"]*\\)\".*/\\1/p" "$2" | head -n 1
}
first_public_key() {
    sed -n 's/.*"public_keys": *{"[^"]*": *"\([^"]*\)".*/\1/p' "$1" \
        | sed 's/\\n$//' | head -n 1
}
fetch() {  # fetch PATH FILE (busybox wget -T crashes: use timeout)
    rm -f "$2"
    timeout 5 wget -q -O "$2" "http://169.254.169.254$1" 2>/dev/null \
        && [ -f "$2" ]
}
describe_user_data() {
    if [ -f "$1" ]; then
        echo "bytes=$(wc -c < "$1") sha256=$(sha256sum "$1" | cut -d' ' -f1)"
    else
        echo "none"
    fi
}

if [ -n "$ip" ]; then
    # A web server on port 80 answering with the guest's name (what
    # other guests reach through security groups).
    mkdir -p /www
    echo "STRATUS-GUEST-HTTP $host" > /www/index.html
    httpd -p 80 -h /www
    tries=0
    until fetch /openstack/latest/meta_data.json /run/meta_data.json; do
        tries=$((tries + 1))
        [ $tries -ge 10 ] && break
        sleep 1
    done
    if [ -s /run/meta_data.json ]; then
        echo "STRATUS-GUEST-METADATA uuid=$(json_string uuid /run/meta_data.json) hostname=$(json_string hostname /run/meta_data.json)"
        key=$(first_public_key /run/meta_data.json)
        echo "STRATUS-GUEST-KEY ${key:-none}"
        fetch /openstack/latest/user_data /run/user_data
        echo "STRATUS-GUEST-USERDATA $(describe_user_data /run/user_data)"
        # User data that is a script ("#!") runs in the background; what
        # it prints goes to the console.
        if [ "$(head -c 2 /run/user_data 2>/dev/null)" = "#!" ]; then
            chmod 755 /run/user_data
            /run/user_data </dev/null >/dev/console 2>&1 &
        fi
    else
        echo "STRATUS-GUEST-METADATA none"
    fi
fi

# A config drive is an ISO9660 filesystem labelled config-2, on a cdrom
# that shows up shortly after its driver loads.
wait $late_modules
tries=0
while [ ! -b /dev/sr0 ] && [ $tries -lt 10 ]; do
    tries=$((tries + 1))
    usleep 200000
done
drive=$(findfs LABEL=config-2 2>/dev/null)
if [ -z "$drive" ]; then
    for candidate in /dev/sr0 /dev/sr1 /dev/vdb; do
        [ -b "$candidate" ] && drive=$candidate && break
    done
fi
if [ -n "$drive" ] && mount -t iso9660 -o ro "$drive" /mnt/config 2>/dev/null \
        && [ -f /mnt/config/openstack/latest/meta_data.json ]; then
    meta=/mnt/config/openstack/latest/meta_data.json
    [ -n "$key" ] || key=$(first_public_key $meta)
    echo "STRATUS-GUEST-CONFIGDRIVE uuid=$(json_string uuid $meta) hostname=$(json_string hostname $meta) userdata=$(describe_user_data /mnt/config/openstack/latest/user_data)"
    admin_pass=$(json_string admin_pass $meta)
fi

# A minimal QEMU guest agent on its virtio-serial port (the domain has
# one when the image says hw_qemu_guest_agent): guest-sync, guest-ping and
# guest-set-user-password (what Nova's changePassword uses), one JSON
# command per line, as libvirt sends them.
agent_port() {
    for port in /sys/class/virtio-ports/*; do
        if [ "$(cat "$port/name" 2>/dev/null)" = org.qemu.guest_agent.0 ]; then
            echo "/dev/${port##*/}"
            return 0
        fi
    done
    return 1
}
json_field() {  # json_field KEY LINE: a string or number value
    echo "$2" | sed -n "s/.*\"$1\": *\"\{0,1\}\([^\",}]*\).*/\1/p"
}
set_password() {  # set_password USER PASSWORD
    grep -q "^$1:" /etc/shadow || return 1
    hash=$(mkpasswd -m sha512 "$2") || return 1
    sed -i "s|^$1:[^:]*:|$1:$hash:|" /etc/shadow
}
report_password() {  # report_password USER PASSWORD: never the password
    echo "STRATUS-GUEST-PASSWORD user=$1 sha256=$(printf %s "$2" | sha256sum | cut -d' ' -f1)"
}
serve_agent() {
    # The port stays open: closing it tells libvirt the agent went away.
    # A read finds nothing (EOF) until libvirt's side is connected.
    exec 3<>"$1"
    while :; do
        if ! IFS= read -r line <&3; then
            usleep 200000
            continue
        fi
        case "$line" in
        *'"guest-sync'*)
            echo "{\"return\": $(json_field id "$line")}" >&3 ;;
        *'"guest-ping"'*)
            echo '{"return": {}}' >&3 ;;
        *'"guest-set-user-password"'*)
            user=$(json_field username "$line")
            password=$(json_field password "$line" | base64 -d)
            if set_password "$user" "$password"; then
                echo '{"return": {}}' >&3
                report_password "$user" "$password"
            else
                echo '{"error": {"class": "GenericError", "desc": "cannot set the password"}}' >&3
            fi ;;
        *)
            echo '{"error": {"class": "CommandNotFound", "desc": "not supported"}}' >&3 ;;
        esac
    done
}
if port=$(agent_port); then
    serve_agent "$port" &
    echo "STRATUS-GUEST-AGENT $port"
fi

# A config drive's admin_pass (the boot's or a rescue's password) is
# root's password.
if [ -n "$admin_pass" ] && set_password root "$admin_pass"; then
    report_password root "$admin_pass"
fi

# SSH for root with the first public key (the metadata's, else the
# config drive's); dropbear makes its host keys on the first connection.
if [ -n "$ip" ] && [ -x /usr/sbin/dropbear ]; then
    mkdir -p /root/.ssh
    chmod 700 /root /root/.ssh
    [ -n "$key" ] && echo "$key" > /root/.ssh/authorized_keys
    chmod 600 /root/.ssh/authorized_keys 2>/dev/null
    /usr/sbin/dropbear -R -E -s -p 22 2>/var/log/dropbear.log \
        && echo "STRATUS-GUEST-SSH ready"
fi

# Volumes: a virtio disk with a serial (the volume id, 20 characters) is
# reported when it appears (at boot or hot-plugged) and when it goes.
# A writable volume whose first line starts with STRATUS-SCRATCH is a
# test volume: the guest prints that line, then writes its own name
# there (what another guest reads after a re-attach).
report_volume() {  # report_volume NAME SERIAL
    size=$(($(cat "/sys/block/$1/size") / 2048))
    ro=$(cat "/sys/block/$1/ro" 2>/dev/null)
    data=$(dd if="/dev/$1" bs=512 count=1 2>/dev/null | tr -d '\000' \
        | head -n 1)
    case "$data" in STRATUS-SCRATCH*) ;; *) data=- ;; esac
    echo "STRATUS-GUEST-VOLUME-ADDED $1 serial=$2 size=$size ro=${ro:-0} data=$data"
    if [ "$data" != - ] && [ "$ro" = 0 ]; then
        printf 'STRATUS-SCRATCH written-by=%s\n' "$host" > /tmp/scratch
        dd if=/tmp/scratch of="/dev/$1" bs=512 count=1 conv=sync,fsync \
            2>/dev/null && echo "STRATUS-GUEST-VOLUME-WROTE $1 by=$host"
    fi
}
watch_volumes() {
    known=" "
    while :; do
        now=" "
        for disk in /sys/block/vd*; do
            name=${disk##*/}
            serial=$(cat "$disk/serial" 2>/dev/null)
            [ -n "$serial" ] || continue
            now="$now$name "
            case "$known" in
                *" $name "*) ;;
                *) report_volume "$name" "$serial" ;;
            esac
        done
        for name in $known; do
            case "$now" in
                *" $name "*) ;;
                *) echo "STRATUS-GUEST-VOLUME-REMOVED $name" ;;
            esac
        done
        known=$now
        usleep 300000
    done
}

echo "STRATUS-GUEST-READY $host"
watch_volumes
