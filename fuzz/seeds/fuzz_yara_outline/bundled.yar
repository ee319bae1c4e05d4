// moat's bundled YARA rules. Written for moat from public descriptions of each family; every rule has
// meta description, severity (LOW, MEDIUM, HIGH or CRITICAL) and reference (the family it names).
// They must stay silent on a clean Debian image: tests/malware/yara_scanner_test.cpp scans real trees.
// docs/malware-rules.md says what each group covers.

// ---------------------------------------------------------------- crypto-miners

rule moat_xmrig_config {
  meta:
    description = "XMRig miner configuration (donate-level, pools and RandomX or rig settings)"
    severity = "HIGH"
    reference = "XMRig and forks"
  strings:
    $donate = "\"donate-level\"" ascii
    $pools = "\"pools\"" ascii
    $k1 = "\"rig-id\"" ascii
    $k2 = "\"nicehash\"" ascii
    $k3 = "\"randomx\"" ascii
    $k4 = "\"keepalive\"" ascii
    $k5 = "\"donate-over-proxy\"" ascii
  condition:
    filesize < 4MB and $donate and $pools and 2 of ($k*)
}

rule moat_xmrig_binary {
  meta:
    description = "XMRig miner program or its help text"
    severity = "HIGH"
    reference = "XMRig and forks"
  strings:
    $name = "xmrig" ascii nocase
    $h1 = "--donate-level=N" ascii
    $h2 = "--cpu-max-threads-hint" ascii
    $h3 = "--randomx-1gb-pages" ascii
    $h4 = "--rig-id=ID" ascii
    $h5 = "donate.v2.xmrig.com" ascii
    $h6 = "donate.ssl.xmrig.com" ascii
    $h7 = "randomx_init_dataset" ascii
    $h8 = "XMRIG_VERSION" ascii
  condition:
    $name and 2 of ($h*)
}

rule moat_cpuminer_family {
  meta:
    description = "cpuminer, ccminer or minerd crypto-miner"
    severity = "HIGH"
    reference = "cpuminer / ccminer / minerd"
  strings:
    $u1 = "Usage: minerd [OPTIONS]" ascii
    $u2 = "Usage: cpuminer [OPTIONS]" ascii
    $u3 = "Usage: ccminer [OPTIONS]" ascii
    $n1 = "cpuminer" ascii nocase
    $n2 = "ccminer" ascii nocase
    $n3 = "minerd" ascii fullword
    $s1 = "stratum+tcp://" ascii
    $s2 = "--userpass=U:P" ascii
    $s3 = "mining.subscribe" ascii
  condition:
    any of ($u*) or (any of ($n*) and 2 of ($s*))
}

rule moat_stratum_pool_url {
  meta:
    description = "Stratum mining-pool URL with host and port"
    severity = "HIGH"
    reference = "crypto-miners (stratum protocol)"
  strings:
    $url = /stratum\+(tcp|ssl|tls):\/\/[A-Za-z0-9.\-]{3,80}:[0-9]{2,5}/ ascii
  condition:
    $url
}

rule moat_miner_pool_domain {
  meta:
    description = "Well-known Monero or multi-coin mining pool domain"
    severity = "MEDIUM"
    reference = "crypto-miners (public mining pools)"
  strings:
    $p1 = "supportxmr.com" ascii nocase
    $p2 = "minexmr.com" ascii nocase
    $p3 = "moneroocean.stream" ascii nocase
    $p4 = "c3pool.com" ascii nocase
    $p5 = "hashvault.pro" ascii nocase
    $p6 = "xmrpool.eu" ascii nocase
    $p7 = "herominers.com" ascii nocase
    $p8 = "unmineable.com" ascii nocase
    $p9 = "nanopool.org" ascii nocase
    $p10 = "monerohash.com" ascii nocase
    $p11 = "minergate.com" ascii nocase
    $p12 = "xmr.2miners.com" ascii nocase
    $p13 = "f2pool.com" ascii nocase
    $p14 = "dwarfpool.com" ascii nocase
  condition:
    any of them
}

// ---------------------------------------------------------------- reverse shells in scripts

rule moat_revshell_dev_tcp {
  meta:
    description = "Shell redirected to a /dev/tcp or /dev/udp socket (bash reverse shell)"
    severity = "CRITICAL"
    reference = "reverse shell: bash /dev/tcp"
  strings:
    $i = /(ba|z|k)?sh\s+-i\s+[0-9]?[<>]?&\s*\/dev\/(tcp|udp)\/[A-Za-z0-9.\-]{1,80}\/[0-9]{1,5}/ ascii
    $exec = /exec\s+[0-9]{1,3}<>\/dev\/(tcp|udp)\/[A-Za-z0-9.\-]{1,80}\/[0-9]{1,5}/ ascii
    $redir = /\/dev\/(tcp|udp)\/[A-Za-z0-9.\-]{1,80}\/[0-9]{1,5}\s+0>&1/ ascii
  condition:
    any of them
}

rule moat_revshell_netcat_exec {
  meta:
    description = "netcat or ncat executing a shell for a remote peer (nc -e /bin/sh)"
    severity = "CRITICAL"
    reference = "reverse shell: netcat -e"
  strings:
    $e = /\b(nc|ncat|netcat)(\.traditional)?\s+(-[A-Za-z]{1,4}\s+){0,4}-(e|c)\s*\/bin\/(ba|z|da)?sh\b/ ascii
    $e2 = /\b(nc|ncat|netcat)(\.traditional)?\s+[A-Za-z0-9.\-]{1,80}\s+[0-9]{1,5}\s+-(e|c)\s*\/bin\/(ba|z|da)?sh\b/ ascii
  condition:
    any of them
}

rule moat_revshell_mkfifo_netcat {
  meta:
    description = "Named pipe feeding an interactive shell into a network connection (mkfifo + nc)"
    severity = "CRITICAL"
    reference = "reverse shell: mkfifo + netcat"
  strings:
    $fifo = /(mkfifo|mknod)\s+\/tmp\/[^\s;|&]{1,60}/ ascii
    $shell = /\/bin\/(ba|da)?sh\s+-i/ ascii
    $net = /\b(nc|ncat|netcat|telnet|openssl\s+s_client\s+-quiet\s+-connect)\s+[A-Za-z0-9.\-]{1,80}[\s:][0-9]{1,5}/ ascii
  condition:
    $fifo and $shell and $net
}

rule moat_revshell_python {
  meta:
    description = "Python socket wired to a shell's standard streams (python reverse shell)"
    severity = "CRITICAL"
    reference = "reverse shell: python socket + subprocess/pty"
  strings:
    $connect = /\.connect\(\(\s*["'][^"'\n]{1,80}["']\s*,\s*[0-9]{1,5}\s*\)\)/ ascii
    $dup = /os\.dup2\(\s*[A-Za-z_][A-Za-z0-9_]*\.fileno\(\)\s*,\s*[012]\s*\)/ ascii
    $sh1 = /subprocess\.(call|Popen|run)\(\s*\[\s*["']\/bin\/(ba|da)?sh["']/ ascii
    $sh2 = /pty\.spawn\(\s*["']\/bin\/(ba|da)?sh["']\s*\)/ ascii
  condition:
    $connect and $dup and any of ($sh*)
}

rule moat_revshell_perl {
  meta:
    description = "Perl socket duplicated onto STDIN/STDOUT before exec of a shell (perl reverse shell)"
    severity = "CRITICAL"
    reference = "reverse shell: perl Socket + exec"
  strings:
    $addr = /sockaddr_in\(\s*\$?[A-Za-z0-9_]+\s*,\s*inet_aton\(/ ascii
    $dup = /open\(\s*STDIN\s*,\s*["']>&[A-Za-z_]+["']\s*\)/ ascii
    $exec = /exec\s*\(?\s*["']\/bin\/(ba|da)?sh( -i)?["']/ ascii
  condition:
    $addr and $dup and $exec
}

rule moat_revshell_php {
  meta:
    description = "PHP fsockopen whose descriptor is handed to a shell (php reverse shell)"
    severity = "CRITICAL"
    reference = "reverse shell: php fsockopen + exec/proc_open"
  strings:
    $sock = /fsockopen\s*\(\s*["'$][^,]{1,80},\s*["']?\$?[A-Za-z0-9_]{1,20}/ ascii
    $fd = /\/bin\/(ba|da)?sh\s+-i\s*<&\s*[0-9]\s*>&\s*[0-9]/ ascii
    $proc = /proc_open\s*\(\s*["']\/bin\/(ba|da)?sh( -i)?["']\s*,\s*array\(\s*0\s*=>\s*\$[A-Za-z_]+/ ascii
  condition:
    $sock and ($fd or $proc)
}

rule moat_revshell_ruby {
  meta:
    description = "Ruby TCPSocket descriptor handed to a shell (ruby reverse shell)"
    severity = "CRITICAL"
    reference = "reverse shell: ruby TCPSocket + exec"
  strings:
    $sock = /TCPSocket\.(open|new)\(\s*["'][^"'\n]{1,80}["']\s*,\s*[0-9]{1,5}\s*\)/ ascii
    $fmt = /\/bin\/(ba|da)?sh\s+-i\s*<&%d\s*>&%d/ ascii
    $spawn = /(exec|spawn)\s*\(?\s*["']\/bin\/(ba|da)?sh( -i)?["']\s*,\s*\[?:in\s*=>/ ascii
  condition:
    $sock and ($fmt or $spawn)
}

rule moat_revshell_socat {
  meta:
    description = "socat connecting a pty shell to a remote TCP peer (socat reverse shell)"
    severity = "CRITICAL"
    reference = "reverse shell: socat exec:...,pty"
  strings:
    $s = /socat\s[^\n]{0,120}exec:["']?(\/bin\/)?(ba|da)?sh( -li| -i)?["']?,[^\n]{0,40}pty[^\n]{0,120}tcp[46]?(-connect)?:[A-Za-z0-9.\-]{1,80}:[0-9]{1,5}/ ascii nocase
    $s2 = /socat\s[^\n]{0,120}tcp[46]?(-connect)?:[A-Za-z0-9.\-]{1,80}:[0-9]{1,5}[^\n]{0,40}exec:["']?(\/bin\/)?(ba|da)?sh( -li| -i)?["']?,[^\n]{0,40}pty/ ascii nocase
  condition:
    any of them
}

rule moat_revshell_awk {
  meta:
    description = "awk /inet/tcp co-process feeding commands to a shell (gawk reverse shell)"
    severity = "CRITICAL"
    reference = "reverse shell: awk /inet/tcp"
  strings:
    $inet = /\/inet\/tcp\/0\/[A-Za-z0-9.\-]{1,80}\/[0-9]{1,5}/ ascii
    $coproc = "|&" ascii
    $run = /(\|&?\s*getline|system\s*\()/ ascii
  condition:
    $inet and $coproc and $run
}

// ---------------------------------------------------------------- attack and post-exploitation tools
// Go module paths count only inside an executable (ELF or PE): advisories, SBOMs and go.sum name them too.

rule moat_mimikatz {
  meta:
    description = "Mimikatz credential dumper"
    severity = "CRITICAL"
    reference = "Mimikatz"
  strings:
    $a1 = "sekurlsa::logonpasswords" ascii wide nocase
    $a2 = "gentilkiwi" ascii wide
    $a3 = "Benjamin DELPY" ascii wide
    $a4 = "mimikatz" ascii wide nocase
    $a5 = "lsadump::sam" ascii wide nocase
    $a6 = "kerberos::golden" ascii wide nocase
  condition:
    2 of them
}

rule moat_linpeas {
  meta:
    description = "LinPEAS privilege-escalation enumeration script"
    severity = "HIGH"
    reference = "LinPEAS (PEASS-ng)"
  strings:
    $a1 = "PEASS-ng" ascii
    $a2 = "linpeas" ascii nocase
    $a3 = "Linux Privilege Escalation Awesome Script" ascii nocase
    $a4 = "peass{" ascii
  condition:
    2 of them
}

rule moat_linenum {
  meta:
    description = "LinEnum privilege-escalation enumeration script"
    severity = "HIGH"
    reference = "LinEnum"
  strings:
    $a1 = "LinEnum" ascii
    $a2 = "rebootuser" ascii
    $a3 = "Local Linux Enumeration & Privilege Escalation Script" ascii
  condition:
    2 of them
}

rule moat_pspy {
  meta:
    description = "pspy unprivileged process snooper"
    severity = "HIGH"
    reference = "pspy"
  strings:
    $mod = "DominicBreuker/pspy" ascii
    $banner = "pspy - version:" ascii
  condition:
    $banner or ((uint32(0) == 0x464c457f or uint16(0) == 0x5a4d) and $mod)
}

rule moat_chisel_tunnel {
  meta:
    description = "chisel TCP/UDP tunnel over HTTP, common in post-exploitation pivoting"
    severity = "MEDIUM"
    reference = "chisel"
  strings:
    $mod = "github.com/jpillora/chisel/" ascii
  condition:
    (uint32(0) == 0x464c457f or uint16(0) == 0x5a4d) and $mod
}

rule moat_ligolo_tunnel {
  meta:
    description = "ligolo / ligolo-ng reverse tunnelling agent or proxy"
    severity = "HIGH"
    reference = "ligolo-ng"
  strings:
    $m1 = "github.com/nicocha30/ligolo-ng/" ascii
    $m2 = "github.com/sysdream/ligolo" ascii
  condition:
    (uint32(0) == 0x464c457f or uint16(0) == 0x5a4d) and any of them
}

rule moat_frp_gost_tunnel {
  meta:
    description = "frp or gost reverse proxy / tunnel: legitimate tool often used to expose a compromised host"
    severity = "LOW"
    reference = "frp / gost"
  strings:
    $m1 = "github.com/fatedier/frp/" ascii
    $m2 = "github.com/ginuerzh/gost" ascii
    $m3 = "github.com/go-gost/gost" ascii
  condition:
    (uint32(0) == 0x464c457f or uint16(0) == 0x5a4d) and any of them
}

rule moat_sliver_implant {
  meta:
    description = "Sliver command-and-control implant or client"
    severity = "CRITICAL"
    reference = "Sliver C2"
  strings:
    $m1 = "github.com/bishopfox/sliver/" ascii
    $m2 = "sliverpb." ascii
    $m3 = "/sliver/protobuf/" ascii
  condition:
    (uint32(0) == 0x464c457f or uint16(0) == 0x5a4d) and any of them
}

rule moat_meterpreter {
  meta:
    description = "Metasploit Meterpreter payload (Windows metsrv or Linux mettle)"
    severity = "CRITICAL"
    reference = "Metasploit Meterpreter"
  strings:
    $a1 = "metsrv.dll" ascii wide
    $a2 = "stdapi_sys_process_execute" ascii wide
    $a3 = "stdapi_fs_ls" ascii wide
    $a4 = "core_channel_open" ascii wide
    $a5 = "core_migrate" ascii wide
    $a6 = "ext_server_stdapi" ascii wide
    $a7 = "mettle_" ascii
  condition:
    3 of them
}

rule moat_cobalt_strike_beacon {
  meta:
    description = "Cobalt Strike beacon strings"
    severity = "CRITICAL"
    reference = "Cobalt Strike"
  strings:
    $a1 = "beacon.dll" ascii wide
    $a2 = "beacon.x64.dll" ascii wide
    $a3 = "%s as %s\\%s: %d" ascii wide
    $a4 = "could not spawn %s: %d" ascii wide
    $a5 = "Started service %s on %s" ascii wide
    $a6 = "IEX (New-Object Net.Webclient).DownloadString('http://127.0.0.1:%u/')" ascii wide
    $a7 = "powershell -nop -exec bypass -EncodedCommand \"%s\"" ascii wide
  condition:
    2 of them
}

rule moat_lazagne {
  meta:
    description = "LaZagne credential recovery tool"
    severity = "HIGH"
    reference = "LaZagne"
  strings:
    $a1 = "lazagne" ascii wide nocase
    $a2 = "AlessandroZ" ascii wide
    $a3 = "lazagne.softwares" ascii
    $a4 = "lazagne.config" ascii
  condition:
    2 of them
}

// ---------------------------------------------------------------- cloud crypto-jacking (Kinsing, TeamTNT, Watchdog)

rule moat_kinsing {
  meta:
    description = "Kinsing cloud crypto-jacking malware or its loader"
    severity = "CRITICAL"
    reference = "Kinsing (h2miner)"
  strings:
    $a1 = "kdevtmpfsi" ascii
    $a2 = "kinsing" ascii
    $a3 = "/tmp/kdevtmpfsi" ascii
  condition:
    2 of them
}

rule moat_teamtnt {
  meta:
    description = "TeamTNT cloud worm script"
    severity = "CRITICAL"
    reference = "TeamTNT"
  strings:
    $a1 = "TeamTNT" ascii nocase
    $a2 = "teamtnt.red" ascii nocase
    $a3 = "chimaera.cc" ascii nocase
    $b1 = "docker" ascii
    $b2 = "xmrig" ascii nocase
    $b3 = ".aws/credentials" ascii
    $b4 = "curl" ascii
  condition:
    any of ($a*) and 2 of ($b*)
}

rule moat_miner_competition_killer {
  meta:
    description = "Script that kills competing miners and disables security agents (Kinsing/TeamTNT/Watchdog style)"
    severity = "CRITICAL"
    reference = "cloud crypto-jacking scripts (Kinsing, TeamTNT, Watchdog)"
  strings:
    $k1 = /pkill\s+(-9\s+)?-f\s+\S{0,20}(kdevtmpfsi|kinsing|xmrig|minerd|cryptonight|kthreaddi|sysupdate|networkservice)/ ascii
    $k2 = /killall\s+(-9\s+)?\S{0,20}(kdevtmpfsi|kinsing|xmrig|minerd|kthreaddi)/ ascii
    $k3 = /grep\s+(-v\s+grep\s*\|\s*grep\s+)?["']?(xmrig|kdevtmpfsi|kinsing|cryptonight|stratum)["']?\s*\|[^\n]{0,60}kill\s+-9/ ascii
    $k4 = /ps\s+-?aux[^\n]{0,40}grep[^\n]{0,60}(xmrig|cryptonight|stratum|kdevtmpfsi|minerd)[^\n]{0,80}kill/ ascii
    $d1 = "/usr/local/aegis/uninstall" ascii
    $d2 = "/usr/local/qcloud/stargate/admin/uninstall.sh" ascii
    $d3 = /setenforce\s+0/ ascii
    $d4 = /ufw\s+disable/ ascii
    $d5 = /echo\s+0\s*>\s*\/proc\/sys\/kernel\/nmi_watchdog/ ascii
    $d6 = /chattr\s+-[ia]{1,2}\s+\/etc\/ld\.so\.preload/ ascii
    $d7 = "aliyun-service" ascii
    $d8 = /systemctl\s+(stop|disable)\s+(apparmor|falcon-sensor|osqueryd|auditd)/ ascii
  condition:
    (#k1 + #k2 + #k3 + #k4) >= 2 and any of ($d*)
}

// ---------------------------------------------------------------- rootkits

rule moat_ld_preload_hider_script {
  meta:
    description = "Script writing a library into /etc/ld.so.preload (user-land rootkit install)"
    severity = "CRITICAL"
    reference = "LD_PRELOAD rootkits (libprocesshider and kin)"
  strings:
    $w = /echo\s+["']?\/[^\s"'>]{1,200}\.so["']?\s*>>?\s*\/etc\/ld\.so\.preload/ ascii
    $t = /tee\s+(-a\s+)?\/etc\/ld\.so\.preload/ ascii
  condition:
    any of them
}

rule moat_ld_preload_hider_library {
  meta:
    description = "Shared library that hooks readdir to hide processes or files (LD_PRELOAD rootkit)"
    severity = "CRITICAL"
    reference = "LD_PRELOAD rootkits (libprocesshider and kin)"
  strings:
    $preload = "/etc/ld.so.preload" ascii
    $readdir = "readdir" ascii fullword
    $dlsym = "dlsym" ascii fullword
    $h1 = "process_to_filter" ascii
    $h2 = "get_process_name" ascii
    $h3 = "/proc/self/fd/%d" ascii
    $h4 = "/proc/%s/stat" ascii
    $h5 = "HIDE_" ascii
  condition:
    uint32(0) == 0x464c457f and $readdir and $dlsym and ($h1 or ($preload and 2 of ($h*)))
}

rule moat_diamorphine {
  meta:
    description = "Diamorphine loadable kernel module rootkit"
    severity = "CRITICAL"
    reference = "Diamorphine"
  strings:
    $a1 = "diamorphine" ascii nocase
    $a2 = "hacked_kill" ascii
    $a3 = "hacked_getdents" ascii
    $a4 = "module_hide" ascii
    $a5 = "is_invisible" ascii
    $a6 = "MAGIC_PREFIX" ascii
  condition:
    3 of them
}
