# ipc_objects.bash -- the System V IPC objects on the machine: which a test
# made (by its ftok keys, tools/ftok-key) and which it left behind. Loaded by
# tests/test_helper.bash.


# ipc_objects: one line "kind id key uid" per System V IPC object on the
# machine (kind q, m or s; key in hex).
ipc_objects() {
    local kind file uid_column
    for kind in q m s; do
        case $kind in
            q) file=/proc/sysvipc/msg uid_column=8 ;;
            m) file=/proc/sysvipc/shm uid_column=8 ;;
            s) file=/proc/sysvipc/sem uid_column=5 ;;
        esac
        awk -v kind=$kind -v u=$uid_column 'NR > 1 {
                key = $1 < 0 ? $1 + 4294967296 : $1
                printf "%s %s 0x%08x %s\n", kind, $2, key, $u }' "$file"
    done
}

# ftok_signature DIR: the low 24 bits (6 hex digits) that ftok(".", ANY_ID)
# puts into a key made in DIR: the key of PROJ_ID 0 without its "0x00".
ftok_signature() {
    local key
    key=$("$REPO/tools/ftok-key" "$1" 0) || return 1
    echo "${key#0x00}"
}

# objects_in DIR: the objects made with ftok keys of DIR, whatever PROJ_ID.
objects_in() {
    ipc_objects | awk -v sig="$(ftok_signature "$1")" 'substr($3, 5) == sig'
}

# work_ipc_objects: the objects made with ftok keys of $WORK, the test's folder.
work_ipc_objects() {
    objects_in "$WORK"
}

# leftover_ipc_objects: objects of this test still alive: any with an ftok
# key of $WORK, and any IPC_PRIVATE object of this user made since
# lab_setup that nobody uses. A private object belongs to someone else (a
# copy of the suite running at the same time) while a live process uses it,
# or if it goes within a few seconds; this test's own programs have ended.
leftover_ipc_objects() {
    local deadline=$((SECONDS + 5)) unused
    work_ipc_objects
    while :; do
        unused=$(unused_private_objects)
        [ -z "$unused" ] || [ $SECONDS -ge $deadline ] && break
        sleep 0.2
    done
    [ -z "$unused" ] || echo "$unused"
}

unused_private_objects() {
    local kind id rest
    ipc_objects | awk -v uid="$(id -u)" '$3 == "0x00000000" && $4 == uid' |
        grep -vxF -f <(printf '%s\n' "$IPC_BEFORE") |
        while read -r kind id rest; do
            in_use "$kind" "$id" || echo "$kind $id $rest"
        done
}

# in_use KIND ID: whether a live process created or last used the object
# (shm: creator and last attacher; msg: last sender and receiver; sem: the
# last process to operate on each semaphore).
in_use() {
    local pid
    for pid in $(object_pids "$1" "$2"); do
        [ "$pid" -gt 0 ] && kill -0 "$pid" 2>/dev/null && return 0
    done
    return 1
}

object_pids() {
    case $1 in
        m) awk -v id="$2" '$2 == id { print $5, $6 }' /proc/sysvipc/shm ;;
        q) awk -v id="$2" '$2 == id { print $6, $7 }' /proc/sysvipc/msg ;;
        s) ipcs -s -i "$2" 2>/dev/null | awk '$1 ~ /^[0-9]+$/ && NF == 5 { print $5 }' ;;
    esac
}

remove_ipc_objects() {
    local kind id rest
    while read -r kind id rest; do
        ipcrm "-$kind" "$id" 2>/dev/null
    done
}
