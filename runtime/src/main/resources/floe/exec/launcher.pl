# Floe's command launcher (floe.exec.Launcher): one per JVM, the first process of a PID namespace
# that dies with that JVM. It starts the JVM's commands as its children, each in a process group of
# its own, and tells the JVM when each started and how it ended.
#
# Requests, one per line on standard input, fields separated by one space, strings in hex:
#   s ID APPEND CWD OUT ERR NENV ENV... FILE ARGV...   start FILE with ARGV (ARGV[0] as given), the
#       NENV variables NAME=VALUE over this process's environment, in CWD ('-': this one), stdin
#       empty, stdout to OUT and stderr to ERR (appended to when APPEND is 1)
#   k ID SIGNAL                                        send SIGNAL to the process group of command ID
# Answers, one per line on standard output:
#   s ID PID     started; PID as the JVM sees it (this namespace's pids are not the JVM's)
#   f ID TEXT    could not start (TEXT in hex); an 'e' follows
#   e ID CODE    ended: its exit code, or 128 + the signal that ended it
# When a command ends, what it left in its process group is killed, as a container's processes end
# with its main process. Standard input closed (the JVM is gone or done): everything is killed.
# No modules: each page the launcher or a child of it touches after a fork is copied, which costs
# more than the command's own start on some machines.
use strict;
$0 = 'floe-launcher';  # what ps shows: the JVM passes this program with -e

my %id_of;  # pid (this namespace's) -> command id
my %pid_of; # command id -> pid
# A child's end wakes the loop below through this pipe, whenever it comes.
pipe(my $ended_r, my $ended_w) or die "floe launcher: $!\n";
$ended_w->blocking(0);
$ended_r->blocking(0);
$SIG{CHLD} = sub { syswrite($ended_w, 'x'); };  # reset to the default by exec

sub text { return pack('H*', $_[0]); }
sub answer { syswrite(STDOUT, $_[0]); }

sub reap {
    while ((my $pid = waitpid(-1, 1)) > 0) {  # WNOHANG
        my $status = $?;
        my $id = delete $id_of{$pid};
        next unless defined $id;  # an orphan: the first process of a namespace inherits them
        delete $pid_of{$id};
        kill('KILL', -$pid);
        answer("e $id " . (($status & 127) ? 128 + ($status & 127) : $status >> 8) . "\n");
    }
}

sub start {
    my ($id, $append, $cwd, $out, $err, $nenv, @rest) = @_;
    my @env = map { text($_) } @rest[0 .. $nenv - 1];
    my ($file, @argv) = map { text($_) } @rest[$nenv .. $#rest];
    $cwd = $cwd eq '-' ? undef : text($cwd);
    $out = text($out);
    $err = text($err);
    my $mode = $append ? '>>' : '>';
    # The child tells its pid through this pipe, then why it could not start, if it could not: its
    # end closes on exec. The launcher waits for that, touching nothing the child still shares.
    pipe(my $told, my $tell) or return failed($id, "cannot make a pipe: $!");
    my $pid = fork();
    return failed($id, "cannot fork: $!") if !defined $pid;
    if ($pid == 0) {
        close($told);
        setpgrp(0, 0);
        syswrite($tell, readlink('/proc/self') . "\n");
        if (defined $cwd && !chdir($cwd)) {
            syswrite($tell, "cannot change to directory $cwd: $!");
        } elsif (!open(STDIN, '<', '/dev/null') || !open(STDOUT, $mode, $out) || !open(STDERR, $mode, $err)) {
            syswrite($tell, "cannot open its standard streams: $!");
        } else {
            for (@env) {
                my ($name, $value) = split(/=/, $_, 2);
                $ENV{$name} = $value;
            }
            { exec { $file } @argv; }
            syswrite($tell, "cannot run $file: $!");
        }
        CORE::exit(127);
    }
    close($tell);
    setpgrp($pid, $pid);  # before a 'k' for it, whichever of the two runs first
    $id_of{$pid} = $id;
    $pid_of{$id} = $pid;
    my $told_all = '';
    1 while sysread($told, $told_all, 4096, length $told_all) || $!{EINTR};
    close($told);
    my ($host_pid, $why) = split(/\n/, $told_all, 2);
    if (defined $why && length $why) {
        answer("f $id " . unpack('H*', $why) . "\n");
    } else {
        answer("s $id $host_pid\n");
    }
}

sub failed {
    my ($id, $why) = @_;
    answer("f $id " . unpack('H*', $why) . "\ne $id 127\n");
}

my $requests = '';
my $watch = '';
vec($watch, fileno(STDIN), 1) = 1;
vec($watch, fileno($ended_r), 1) = 1;
while (1) {
    sysread($ended_r, my $drained, 4096);
    reap();
    my $ready = select(my $r = $watch, undef, undef, %id_of ? 1 : undef);
    next if $ready <= 0 || !vec($r, fileno(STDIN), 1);
    my $got = sysread(STDIN, $requests, 65536, length $requests);
    next if !defined $got && $!{EINTR};
    last if !$got;
    while ((my $end = index($requests, "\n")) >= 0) {
        my $line = substr($requests, 0, $end + 1, '');
        chop $line;
        my ($verb, @fields) = split(/ /, $line, -1);  # -1: an empty last argument is one
        if ($verb eq 's') {
            start(@fields);
        } elsif ($verb eq 'k' && defined $pid_of{$fields[0]}) {
            kill($fields[1], -$pid_of{$fields[0]});
        }
    }
}
kill('KILL', -$_) for keys %id_of;
exit 0;
