#!/usr/bin/perl
# The spawn relay (packages/runtime/src/spawn-relay.ts): a small, long-lived process that starts
# the media tools for a Node process, so that Node, at 150 MB and more, does not fork for each one.
# A fork copies the parent's page tables and write-protects every page it has, and the parent
# then takes a page fault at its first write to each: 5-9 ms of CPU per tool for a worker, here
# well under one. Core Perl only (perl-base, Essential in every Debian, the image's included).
#
# Requests, one line each on stdin, fields hex-encoded and separated by spaces:
#   s <id> <uid> <gid> <nice> <cwd> <stdout> <fd3> <env> <argv0> <argv1> ...
#     ("-" is an empty field) uid/gid: decimal, -1 to keep ours; nice: 0-19, added to the child's
#     nice value (a lower CPU priority than ours: 0 keeps it); cwd: the working directory, entered
#     before the user changes ("" for /); stdout: "" for a pipe, else a file opened O_WRONLY|O_APPEND;
#     fd3: "" for none, else a file opened read-only as the child's descriptor 3;
#     env: NAME=value pairs joined by NUL. stdin is /dev/null.
#   k <id>   SIGKILL the child.
# Replies on stdout, one header line each, "o" and "e" followed by <len> bytes of the child's
# stdout or stderr:
#   <id> o <len> | <id> e <len> | <id> x <code> <signal> (both pipes at end and the child reaped)
#   <id> f <errno> (nothing was started: the open, fork or exec failed; errno is a number)
# At the end of stdin every child is killed and the relay exits; so are they when the relay fails
# (END below), and when it is killed, by the kernel (each child's parent-death signal, SIGKILL).
use strict;
use warnings;
use POSIX ();
use Fcntl qw(F_DUPFD F_GETFL F_SETFL O_NONBLOCK O_RDONLY O_WRONLY O_APPEND);
use Errno qw(EINTR EAGAIN);

my %kid;    # id -> { pid, pipes (open count), status (undef until reaped) }
my %pipe;   # fileno -> [id, "o" | "e", handle]
my $in = '';
my $stdin_open = 1;
my $relay = $$;

# prctl(2)'s number, for PR_SET_PDEATHSIG; undef on another architecture (the tools then end with
# the relay only when it ends by itself: stdin closed, or a failure through END).
my $arch = (POSIX::uname())[4];
my $PRCTL = { x86_64 => 157, aarch64 => 167 }->{$arch};
# setgroups(2)'s number, to leave a child of another user no supplementary group at all; elsewhere
# Perl's own call leaves it its gid as the one supplementary group (the same rights).
my $SETGROUPS = { x86_64 => 116, aarch64 => 159 }->{$arch};

# A reader that went away is an error to write to (put exits, and END kills the tools), not a signal that kills the relay.
$SIG{PIPE} = 'IGNORE';
END { kill('KILL', $_->{pid}) for grep { $$ == $relay && !defined $_->{status} } values %kid; }

# A child's exit wakes the loop through this pipe (written from the SIGCHLD handler), whenever the
# signal comes: before the loop's select, during it, or while it handles something else.
pipe(my $sigr, my $sigw) or die "pipe: $!";
for ($sigr, $sigw) { my $fl = fcntl($_, F_GETFL, 0) or die "fcntl: $!"; fcntl($_, F_SETFL, $fl | O_NONBLOCK) or die "fcntl: $!"; }
$SIG{CHLD} = sub { syswrite($sigw, 'c'); };

sub put { my ($s) = @_; while (length $s) { my $n = syswrite(STDOUT, $s); if (!defined $n) { next if $! == EINTR; exit 1; } substr($s, 0, $n) = ''; } }
# "-" is the empty field; anything else must be hex.
sub unhex { my ($h) = @_; return '' if $h eq '-'; die "bad field\n" if $h !~ /^(?:[0-9a-f]{2})+$/; return pack('H*', $h); }

# In the child, after fork: the descriptors it gets, its user, then exec. Never returns.
sub become {
  my ($want, $uid, $gid, $nice, $cwd, $env, $argv, $errw) = @_;
  my $fail = sub { syswrite($errw, ($! + 0) . "\n"); POSIX::_exit(127); };
  # Move every source above 9 first, so that no dup2 below overwrites a source still needed.
  my @high = map { my $fd = fcntl($_, F_DUPFD, 10); defined $fd ? $fd : $fail->() } @$want;
  for my $i (0 .. $#high) { defined POSIX::dup2($high[$i], $i) or $fail->(); }
  # (dup2 onto another number clears close-on-exec on 0-3; every other descriptor of ours has it, as Perl sets it above 2.)
  POSIX::close($_) for @high;
  # Close-on-exec covers what the relay opened, not what it inherited without it: close the rest.
  my @open = (4 .. 1023);
  if (opendir(my $d, '/proc/self/fd')) { @open = grep { /^\d+$/ } readdir($d); closedir($d); }
  POSIX::close($_) for grep { $_ > $#high && $_ != fileno($errw) } @open;  # the exec-failure pipe closes itself at exec
  # A lower priority only (an increment), which needs no privilege.
  if ($nice > 0) { defined POSIX::nice($nice) or $fail->(); }
  # Entered while still ours, so that no directory above it need be open to the new user.
  chdir($cwd eq '' ? '/' : $cwd) or $fail->();
  if ($uid >= 0) {
    POSIX::setgid($gid) or $fail->();
    if (defined $SETGROUPS) { syscall($SETGROUPS, 0, 0) == 0 or $fail->(); }
    else { $) = "$gid $gid"; }  # the effective gid, and no supplementary group but it
    my @groups = split ' ', $);  # the effective gid, then the supplementary groups
    $fail->() if grep { $_ != $gid } @groups;
    POSIX::setuid($uid) or $fail->();
    $fail->() if $< != $uid || $> != $uid;
  }
  %ENV = ();
  for my $kv (split /\0/, $env) { my ($k, $v) = split /=/, $kv, 2; $ENV{$k} = $v // '' if length $k; }
  $SIG{PIPE} = 'DEFAULT';  # an ignored signal stays ignored across exec: the tool gets the default
  $SIG{CHLD} = 'DEFAULT';
  # The tool does not outlive the relay: SIGKILL when the relay ends, set after the user changed
  # (a change of user clears it); a relay that ended before this line is seen as a new parent.
  if (defined $PRCTL) { syscall($PRCTL, 1, 9, 0, 0, 0) == 0 or $fail->(); }
  $fail->() if getppid() != $relay;
  { no warnings 'exec'; exec { $argv->[0] } @$argv; }
  $fail->();
}

sub start {
  my ($id, $uid, $gid, $nice, $cwd, $out, $fd3, $env, @argv) = @_;
  my $fail = sub { put("$id f " . ($! + 0 || 5) . "\n"); };
  # A NUL cannot reach exec or open intact: refused, as Node's own spawn refuses it.
  return put("$id f 22\n") if !@argv || exists $kid{$id} || grep { index($_, "\0") >= 0 } ($cwd, $out, $fd3, @argv);
  open(my $null, '<', '/dev/null') or return $fail->();
  my ($or, $ow, $er, $ew);
  if ($out eq '') { pipe($or, $ow) or return $fail->(); }
  else { sysopen($ow, $out, O_WRONLY | O_APPEND) or return $fail->(); }
  pipe($er, $ew) or return $fail->();
  my $input;
  if ($fd3 ne '') { sysopen($input, $fd3, O_RDONLY) or return $fail->(); }
  pipe(my $xr, my $xw) or return $fail->();  # close-on-exec (Perl sets it above fd 2): EOF once exec succeeds
  my $pid = fork();
  return $fail->() if !defined $pid;
  if ($pid == 0) {
    close($xr);
    become([$null, $ow, $ew, defined $input ? ($input) : ()], $uid, $gid, $nice, $cwd, $env, \@argv, $xw);
  }
  close($xw);
  close($_) for grep { defined } ($null, $ow, $ew, $input);
  my $said = '';
  while (1) { my $n = sysread($xr, my $b, 64); next if !defined $n && $! == EINTR; last if !$n; $said .= $b; }
  close($xr);
  if ($said ne '') {
    waitpid($pid, 0);
    close($_) for grep { defined } ($or, $er);
    my ($errno) = $said =~ /(\d+)/;
    return put("$id f " . ($errno || 5) . "\n");
  }
  my $k = $kid{$id} = { pid => $pid, pipes => 0 };
  for ([$or, 'o'], [$er, 'e']) {
    my ($fh, $kind) = @$_;
    next if !defined $fh;
    $pipe{fileno($fh)} = [$id, $kind, $fh];
    $k->{pipes}++;
  }
}

# A child whose pipes have ended is reported once it is reaped.
sub reap {
  for my $id (keys %kid) {
    my $k = $kid{$id};
    if (!defined $k->{status}) {
      my $r = waitpid($k->{pid}, POSIX::WNOHANG());
      if ($r == $k->{pid}) { $k->{status} = $?; }
      elsif ($r == -1) { $k->{status} = 127 << 8; }  # not our child any more (cannot happen): report it ended
    }
    next if $k->{pipes} > 0 || !defined $k->{status};
    my $st = $k->{status};
    my ($code, $sig) = ($st & 127) ? (-1, $st & 127) : ($st >> 8, 0);
    put("$id x $code $sig\n");
    delete $kid{$id};
  }
}

sub request {
  my ($line) = @_;
  my ($op, @f) = split / /, $line;
  return if !defined $op;
  if ($op eq 's' && @f && $f[0] =~ /^\d+$/) {
    # Anything malformed in a request with an id is answered (EINVAL), never left without a reply.
    my ($id, $uid, $gid, $nice, @rest) = @f;
    return put("$id f 22\n") if @f < 9 || $uid !~ /^-?\d+$/ || $gid !~ /^-?\d+$/ || $nice !~ /^\d+$/ || $nice > 19;
    my @fields = eval { map { unhex($_) } @rest };
    return put("$id f 22\n") if !@fields;
    return start($id, $uid, $gid, $nice, @fields);
  }
  if ($op eq 'k' && @f == 1 && exists $kid{$f[0]}) {
    kill('KILL', $kid{$f[0]}{pid}) if !defined $kid{$f[0]}{status};
  }
}

while ($stdin_open || %kid) {
  my $rin = '';
  vec($rin, fileno(STDIN), 1) = 1 if $stdin_open;
  vec($rin, $_, 1) = 1 for keys %pipe;
  vec($rin, fileno($sigr), 1) = 1;
  # Perl runs the SIGCHLD handler between its own steps: a child that ends just before select
  # blocks is written to the pipe only once select returns. While children run, select returns
  # every 0.25 s, so such an end is reported within that, not at the next input.
  my $n = select(my $rout = $rin, undef, undef, %kid ? 0.25 : undef);
  if ($n < 0) { next if $! == EINTR; die "select: $!"; }
  if (vec($rout, fileno($sigr), 1)) { 1 while sysread($sigr, my $b, 256); }
  if ($stdin_open && vec($rout, fileno(STDIN), 1)) {
    my $r = sysread(STDIN, my $b, 65536);
    if (!defined $r) { die "stdin: $!" if $! != EINTR && $! != EAGAIN; }
    elsif ($r == 0) {
      $stdin_open = 0;
      kill('KILL', $_->{pid}) for grep { !defined $_->{status} } values %kid;
    } else {
      $in .= $b;
      while ($in =~ s/^([^\n]*)\n//) { request($1); }
      die "request line too long" if length($in) > 1 << 20;
    }
  }
  for my $fd (keys %pipe) {
    next if !vec($rout, $fd, 1);
    my ($id, $kind, $fh) = @{ $pipe{$fd} };
    my $r = sysread($fh, my $b, 65536);
    next if !defined $r && ($! == EINTR || $! == EAGAIN);
    if ($r) { put("$id $kind $r\n$b"); next; }
    close($fh);
    delete $pipe{$fd};
    $kid{$id}{pipes}--;
  }
  reap();
}
