// Seals a process-executor attempt off from other jobs and from the host, when the engine is
// root: one `unshare` (new PID, mount and IPC namespaces, and a network namespace for
// `batchdeck:network=none`) runs one small Perl program as the namespace's first process, which
//
//   enters the attempt's cgroups (memory, pids) → mounts a tmpfs of the job's disk size at the
//   attempt's directory, with home/, tmp/, var-tmp/ and run-lock/ inside → makes every host mount
//   read-only and nosuid (one recursive mount_setattr) → puts tmp/ over /tmp, var-tmp/ over
//   /var/tmp, run-lock/ over /run/lock, a tmpfs over /dev/shm and the attempt's directory back in
//   place, writable, plus the volumes the environment allows → brings loopback up (network none)
//   → nice 10 → drops to the attempt's uid and gid, no other groups → chdir home → execs the job
//
// and so the job becomes PID 1 of its namespace, as in a container without an init process
// (AWS's default): /proc shows its own processes only, and when it ends the kernel kills every
// process left in the namespace and every mount goes with it, on the host's side too (the mount
// namespace is private: nothing propagates to the host's mount table, even after a crash).
//
// Why Perl: it is Essential on Debian (perl-base), it can make every system call this needs
// in-process, and one `perl` costs less than the `sh` + `mount` + `setpriv` + `nice` chain
// (bench/isolation-cost.ts). The mount calls are the new mount API (fsopen, fsmount, open_tree,
// move_mount, mount_setattr: Linux 5.12+), whose numbers are the same on every architecture.
//
// The wrappers get an environment of their own (PATH and AWS_BATCH_JOB_ID, the mark recovery
// finds processes by): root must never run with a job's LD_PRELOAD, PERL5OPT or PATH. The job's
// environment reaches the Perl program on descriptor 3 (a pipe the engine writes and closes), and
// the job's own command is looked up through the job's PATH only after everything is in place.
import { spawnSync } from "node:child_process";
import { accessSync, closeSync, constants, lstatSync, mkdirSync, openSync, rmSync, statSync } from "node:fs";
import { delimiter, join } from "node:path";

/** Where the engine looks for wrappers: its own PATH, resolved once at start. */
export function resolveTool(name: string, path = process.env.PATH ?? ""): string | null {
  for (const dir of [...path.split(delimiter), "/usr/sbin", "/usr/bin", "/sbin", "/bin"]) {
    if (!dir.startsWith("/")) continue;
    const file = join(dir, name);
    try {
      if (!statSync(file).isFile()) continue;
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return null;
}

/** The PATH the wrappers themselves run with (they are spawned by absolute path anyway). */
export const WRAPPER_PATH = "/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * World-writable directories a Debian host has (`find / -xdev -type d -perm -0002`), each given
 * a private directory on the attempt's own tmpfs. Any other such directory (container image
 * layers' tmp/ on this host) is read-only to the job like the rest of the host.
 */
export const PRIVATE_DIRS = ["/tmp", "/var/tmp", "/run/lock"] as const;

export type SandboxHost =
  | { available: true; unshare: string; perl: string; netns: boolean; netnsReason?: string }
  | { available: false; reason: string };

export interface SealSpec {
  uid: number;
  gid: number;
  nice: number;
  /** cgroup.procs files to enter, as root, before anything else. */
  cgroupProcs: string[];
  /** Absolute: the tmpfs is mounted here; the job's home is `home/` inside. */
  attemptDir: string;
  diskBytes: number | null;
  shmBytes: number;
  /** Those of PRIVATE_DIRS that exist on this host. */
  privateDirs: string[];
  volumes: { source: string; target: string; readOnly: boolean }[];
  network: "host" | "none";
}

// The program the namespace starts with. Arguments: key=value pairs, `--`, the job's argv.
// syscall() is given copies (`my ($n, @a) = @_`): Perl refuses to pass a read-only string
// literal. Numbers: fsopen 430, fsconfig 431 (SET_STRING 1, CMD_CREATE 6), fsmount
// 432, move_mount 429 (F_EMPTY_PATH 4), open_tree 428 (CLONE 1, AT_RECURSIVE 0x8000, CLOEXEC
// 0x80000), mount_setattr 442 (RDONLY 1, NOSUID 2, NODEV 4; AT_EMPTY_PATH 0x1000); AT_FDCWD -100;
// SIOCGIFFLAGS 0x8913, SIOCSIFFLAGS 0x8914. Exit 125: the sandbox could not be set up.
const SEAL = String.raw`
my (%o, @cg, @vol, @dirs);
while (@ARGV) { my $a = shift @ARGV; last if $a eq '--'; my ($k, $v) = split /=/, $a, 2;
  if ($k eq 'cg') { push @cg, $v } elsif ($k eq 'vol') { push @vol, [split /\t/, $v] }
  elsif ($k eq 'dir') { push @dirs, $v } else { $o{$k} = $v } }
sub fail { print STDERR "batchdeck sandbox: @_\n"; exit 125 }
sub sc { my ($n, @a) = @_; my $r = syscall($n, @a); fail("system call $n: $!") if $r < 0; $r }
{ local $/; open(my $e, '<&=', 3) or fail("environment: $!"); my $t = <$e>; close $e; %ENV = ();
  for (split /\0/, $t) { my ($k, $v) = split /=/, $_, 2; $ENV{$k} = $v if length $k } }
for my $f (@cg) { open(my $h, '>', $f) or fail("cgroup $f: $!"); print $h '0'; close $h or fail("cgroup $f: $!") }
sub tmpfs { my ($size, $mode) = @_; my $fs = sc(430, 'tmpfs', 1);
  sc(431, $fs, 1, 'source', 'batchdeck', 0); sc(431, $fs, 1, 'mode', $mode, 0);
  sc(431, $fs, 1, 'size', $size, 0) if length $size; sc(431, $fs, 6, 0, 0, 0); sc(432, $fs, 1, 6) }
sub clone { sc(428, -100, $_[0], 0x1 | 0x8000 | 0x80000) }
sub attach { my ($fd, $to) = @_; my $p = '';
  for (grep { length } split m{/}, $to) { $p .= "/$_"; mkdir $p, 0711 unless -d $p }
  sc(429, $fd, '', -100, $to, 4) }
sub attr { my ($fd, $path, $flags, $set, $clr) = @_; sc(442, $fd, $path, $flags, pack('QQQQ', $set, $clr, 0, 0), 32) }
my ($w, $uid, $gid) = @o{qw(work uid gid)};
attach(tmpfs($o{disk}, '0711'), $w);
mkdir "$w/home", 0700 or fail("$w/home: $!"); chown $uid, $gid, "$w/home" or fail("$w/home: $!");
my @priv = map { (my $n = substr $_, 1) =~ s{/}{-}g; mkdir "$w/$n" or fail("$w/$n: $!");
  chmod 01777, "$w/$n"; [clone("$w/$n"), $_] } @dirs;
my $home = clone($w);
# Cloned before the host turns read-only and nosuid below, so a volume gets those itself.
my @vols = map { my $fd = clone($_->[0]); attr($fd, '', 0x1000 | 0x8000, ($_->[2] eq 'ro' ? 1 : 0) | 2, 0); [$fd, $_->[1]] } @vol;
my $shm = tmpfs($o{shm}, '1777');
attr(-100, '/', 0x8000, 1 | 2, 0);
attr(-100, '/proc', 0, 0, 1);
# Parents before what lies under them: a volume over the data directory must not hide the home.
my @all = sort { ($a->[1] =~ tr{/}{}) <=> ($b->[1] =~ tr{/}{}) } (@priv, [$shm, '/dev/shm'], [$home, $w], @vols);
attach(@$_) for @all;
if ($o{net} eq 'none') { socket(my $s, 2, 2, 0) or fail("socket: $!"); my $r = pack('a16 s x22', 'lo', 0);
  ioctl($s, 0x8913, $r) or fail("loopback: $!"); my $f = unpack('x16 s', $r) | 1;
  ioctl($s, 0x8914, pack('a16 s x22', 'lo', $f)) or fail("loopback: $!"); close $s }
setpriority(0, 0, $o{nice}) or fail("nice: $!");
$) = "$gid $gid"; $( = $gid; ($<, $>) = ($uid, $uid);
fail('the uid did not change') if $< != $uid || $> != $uid || $( != $gid || $) ne "$gid $gid";
chdir "$w/home" or fail("$w/home: $!");
exec { $ARGV[0] } @ARGV;
print STDERR "batchdeck sandbox: $ARGV[0]: $!\n"; exit($! == 2 ? 127 : 126);
`;

/** The argument vector that runs `argv` sealed (spawned with WRAPPER_PATH, fd 3 the environment). */
export function sealedArgv(host: Extract<SandboxHost, { available: true }>, spec: SealSpec, argv: string[]): string[] {
  const flags = ["--pid", "--fork", "--kill-child", "--mount", "--mount-proc", "--ipc"];
  if (spec.network === "none") flags.push("--net");
  const args = [
    `uid=${spec.uid}`,
    `gid=${spec.gid}`,
    `nice=${spec.nice}`,
    `work=${spec.attemptDir}`,
    // Sizes with a unit: a value that looks like a number would reach the kernel as one.
    `disk=${spec.diskBytes === null ? "" : `${Math.ceil(spec.diskBytes / 1024)}k`}`,
    `shm=${Math.ceil(spec.shmBytes / 1024)}k`,
    `net=${spec.network}`,
    ...spec.cgroupProcs.map((f) => `cg=${f}`),
    ...spec.privateDirs.map((d) => `dir=${d}`),
    ...spec.volumes.map((v) => `vol=${v.source}\t${v.target}\t${v.readOnly ? "ro" : "rw"}`),
  ];
  return [host.unshare, ...flags, host.perl, "-e", SEAL, ...args, "--", ...argv];
}

/** The job's environment as the Perl program reads it from descriptor 3. */
export function environmentBlock(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([k, v]) => `${k}=${v}\0`)
    .join("");
}

/**
 * Whether this host can seal attempts: root, `unshare` and `perl` on the engine's PATH, and a
 * trial run of the whole sandbox (kernels before 5.12, or a container without CAP_SYS_ADMIN,
 * fail it). Network namespaces are tried on their own: some hosts allow the rest but not them.
 */
export function detectSandbox(workRoot: string, canSwitchUid: boolean): SandboxHost {
  if (process.getuid?.() !== 0) return { available: false, reason: "the engine is not root" };
  if (!canSwitchUid) return { available: false, reason: "jobs run as root, which a namespace does not hold" };
  const unshare = resolveTool("unshare");
  const perl = resolveTool("perl");
  if (!unshare) return { available: false, reason: "unshare (util-linux) is not on the engine's PATH" };
  if (!perl) return { available: false, reason: "perl is not on the engine's PATH" };
  const host = { available: true as const, unshare, perl, netns: true };
  const trial = (network: "host" | "none"): string | null => {
    const dir = join(workRoot, `.sandbox-trial-${process.pid}-${network}`);
    mkdirSync(dir, { recursive: true, mode: 0o711 });
    const nothing = openSync("/dev/null", "r");
    try {
      const argv = sealedArgv(
        host,
        {
          uid: 65534,
          gid: 65534,
          nice: 0,
          cgroupProcs: [],
          attemptDir: dir,
          diskBytes: 1024 * 1024,
          shmBytes: 1024 * 1024,
          privateDirs: PRIVATE_DIRS.filter(isDirectory),
          volumes: [],
          network,
        },
        ["/bin/sh", "-c", "touch /tmp/t /dev/shm/t t"],
      );
      const r = spawnSync(argv[0]!, argv.slice(1), {
        env: { PATH: WRAPPER_PATH } as Record<string, string> as NodeJS.ProcessEnv,
        stdio: ["ignore", "ignore", "pipe", nothing],
        timeout: 10_000,
        encoding: "utf8",
      });
      if (r.status === 0) return null;
      return (r.stderr || r.error?.message || `exit ${r.status ?? r.signal}`).trim().split("\n").slice(-1)[0]!;
    } finally {
      closeSync(nothing);
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const problem = trial("host");
  if (problem) return { available: false, reason: `a trial sandbox failed: ${problem}` };
  const netProblem = trial("none");
  if (netProblem) return { ...host, netns: false, netnsReason: netProblem };
  return host;
}

/** A directory itself, not a link to one: a mount cannot sit on a symbolic link. */
export function isDirectory(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}
