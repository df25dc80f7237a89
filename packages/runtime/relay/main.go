// The spawn relay in Go (packages/runtime/src/spawn-relay.ts; the protocol is spawn-relay.pl's,
// the same requests and replies). Go starts a process with clone(CLONE_VM|CLONE_VFORK): the child
// borrows this process's memory until its exec, so nothing is copied or write-protected and this
// process takes no page faults afterwards, where the Perl relay's own first writes after each fork
// fault (docs/architecture.md, "Twenty-second pass"). Standard library only.
//
// What a child gets is what the Perl relay gives it: stdin /dev/null, stdout a pipe or a file of
// ours (appending), stderr a pipe, optionally a file read-only as descriptor 3, nothing else; the
// working directory given (or /), entered before the user changes; the environment
// given and nothing more; when asked, another uid and gid with no supplementary groups, and a
// higher nice value; SIGKILL when the relay ends (its parent-death signal).
//
// Threads: tools are started by spawner threads, one for each nice value asked for (at most 20),
// each locked to its goroutine for the relay's life. A child's nice value is its starting
// thread's, and so is its parent-death signal: it fires when that thread ends, which is when the
// relay ends. Each spawner has a working directory of its own (unshare(CLONE_FS)), so entering a
// tool's directory moves nothing else: the relay opens files and looks up programs from its own.
// Waiting takes no thread: a child is reaped with wait4(WNOHANG) once its pipes have ended, and
// again at each SIGCHLD. So tools in flight cost the relay no threads, and a start the kernel
// refuses (EAGAIN at its process limit) is a reply, not a crash; the threads Go itself may want
// later are made at the start (spareThreads).
package main

import (
	"bufio"
	"errors"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

var (
	stdin    = os.Stdin
	stdout   = os.Stdout
	outMu    sync.Mutex
	kidsMu   sync.Mutex
	kids     = map[string]*kid{}
	running  sync.WaitGroup
	reapNow  = make(chan struct{}, 1)
	devNull  *os.File
	home     string // the relay's working directory: relative paths are from here
	baseNice int
	spawners = map[int]chan func(){}
	idRe     = regexp.MustCompile(`^\d+$`)
	intRe    = regexp.MustCompile(`^-?\d+$`)
	hexRe    = regexp.MustCompile(`^(?:[0-9a-f]{2})+$`)
)

// How long a pipe's reader waits for more of a tool's output before passing on what it has: a
// tool's lines come in bursts (ffmpeg's listing is some twenty writes within a millisecond), and
// each reply costs this process and the Node one a wakeup and a write.
const gather = 2 * time.Millisecond

type kid struct {
	pid    int
	proc   *os.Process // its pidfd: a kill reaches this child, never a later one with its pid
	killed bool        // asked to kill before the process existed
	pipes  int         // pipes not yet at their end
	reaped bool
	done   func(ws syscall.WaitStatus)
}

// put writes one reply (a header line, then any bytes) whole. A reader that went away ends the
// relay and its tools, as the Perl relay's END does.
func put(header string, data []byte) {
	buf := make([]byte, 0, len(header)+len(data))
	buf = append(append(buf, header...), data...)
	outMu.Lock()
	defer outMu.Unlock()
	for len(buf) > 0 {
		n, err := stdout.Write(buf)
		if err != nil {
			killAll()
			os.Exit(1)
		}
		buf = buf[n:]
	}
}

func killAll() {
	kidsMu.Lock()
	defer kidsMu.Unlock()
	for _, k := range kids {
		if k.proc != nil && !k.reaped {
			_ = k.proc.Kill()
		}
		k.killed = true
	}
}

func unhex(h string) (string, bool) {
	if h == "-" {
		return "", true
	}
	if !hexRe.MatchString(h) {
		return "", false
	}
	b := make([]byte, len(h)/2)
	for i := range b {
		v, _ := strconv.ParseUint(h[2*i:2*i+2], 16, 8)
		b[i] = byte(v)
	}
	return string(b), true
}

func errnoOf(err error) int {
	var e syscall.Errno
	if errors.As(err, &e) && e != 0 {
		return int(e)
	}
	return int(syscall.EIO)
}

// runnable: whether a user (uid, gid; no supplementary groups) may execute a file of this mode,
// as the kernel decides it for that user (root: when any execute bit is set).
func runnable(st *syscall.Stat_t, uid, gid int) bool {
	mode := st.Mode
	switch {
	case uid == 0:
		return mode&0o111 != 0
	case uint32(uid) == st.Uid:
		return mode&0o100 != 0
	case uint32(gid) == st.Gid:
		return mode&0o010 != 0
	}
	return mode&0o001 != 0
}

// lookPath finds the program as execvp(3) does in the child, run from the spawner thread once it
// is in the child's directory: a name with a slash as it is; else the first regular file of that
// name in PATH's directories (of the child's environment; an empty entry is the directory) that
// the child's user may execute. ENOENT if there is none, EACCES if one was found it may not run.
func lookPath(name string, env []string, uid, gid int) (string, error) {
	if name == "" {
		return "", syscall.ENOENT
	}
	if strings.Contains(name, "/") {
		return name, nil
	}
	path := "/bin:/usr/bin"
	for _, kv := range env {
		if p, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = p
		}
	}
	if uid < 0 {
		uid, gid = os.Geteuid(), os.Getegid()
	}
	denied := false
	for _, dir := range strings.Split(path, ":") {
		p := filepath.Join(dir, name)
		if dir == "" {
			p = "./" + name
		}
		var st syscall.Stat_t
		if syscall.Stat(p, &st) != nil {
			continue
		}
		if st.Mode&syscall.S_IFMT != syscall.S_IFREG || !runnable(&st, uid, gid) {
			denied = true
			continue
		}
		return p, nil
	}
	if denied {
		return "", syscall.EACCES
	}
	return "", syscall.ENOENT
}

// fromHome: a relative path as from the relay's own directory, whichever directory this thread is
// in (joined, not cleaned: the kernel resolves its `..` and symbolic links, as it would have).
func fromHome(p string) string {
	if strings.HasPrefix(p, "/") {
		return p
	}
	return strings.TrimSuffix(home, "/") + "/" + p
}

type request struct {
	id, cwd, out, fd3 string
	uid, gid, nice    int
	env, argv         []string
}

// spawner returns the queue of the thread that starts tools at this nice value (increment),
// starting that thread the first time.
func spawner(nice int) chan func() {
	if q, ok := spawners[nice]; ok {
		return q
	}
	q := make(chan func())
	spawners[nice] = q
	go func() {
		runtime.LockOSThread() // never unlocked: the thread is this queue's until the relay ends
		// Its own working directory. Should this fail, it shares the relay's: the relay's own
		// paths are made absolute (fromHome), and only a program looked up on a relative PATH
		// entry could then be looked up in another start's directory.
		_ = syscall.Unshare(syscall.CLONE_FS)
		if nice > 0 {
			_ = syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), min(19, baseNice+nice))
		}
		for f := range q { // (the first is taken only once the thread is set up)
			f()
		}
	}()
	return q
}

func start(r request) {
	fail := func(err error) { put(r.id+" f "+strconv.Itoa(errnoOf(err))+"\n", nil) }
	var stdoutR, stdoutW, stderrR, stderrW, input *os.File
	closeAll := func(fs ...*os.File) {
		for _, f := range fs {
			if f != nil {
				f.Close()
			}
		}
	}
	// Opened here, as the relay's user and from its own directory, as the Perl relay opens them.
	var err error
	if r.out == "" {
		stdoutR, stdoutW, err = os.Pipe()
	} else {
		stdoutW, err = os.OpenFile(fromHome(r.out), os.O_WRONLY|os.O_APPEND, 0)
	}
	if err == nil {
		stderrR, stderrW, err = os.Pipe()
	}
	if err == nil && r.fd3 != "" {
		input, err = os.Open(fromHome(r.fd3))
	}
	if err != nil {
		closeAll(stdoutR, stdoutW, stderrR, stderrW, input)
		fail(err)
		return
	}
	k := &kid{}
	kidsMu.Lock()
	kids[r.id] = k
	kidsMu.Unlock()
	running.Add(1)
	files := []*os.File{devNull, stdoutW, stderrW}
	if input != nil {
		files = append(files, input)
	}
	dir := "/"
	if r.cwd != "" {
		dir = fromHome(r.cwd)
	}
	spawner(r.nice) <- func() {
		var proc *os.Process
		err := syscall.Chdir(dir)
		if err == nil {
			var path string
			if path, err = lookPath(r.argv[0], r.env, r.uid, r.gid); err == nil {
				attr := &os.ProcAttr{Env: r.env, Files: files, Sys: &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}}
				if r.uid >= 0 {
					attr.Sys.Credential = &syscall.Credential{Uid: uint32(r.uid), Gid: uint32(r.gid), Groups: []uint32{}}
				}
				proc, err = os.StartProcess(path, r.argv, attr)
				if errors.Is(err, syscall.ENOEXEC) { // a script without #!: run by sh, as execvp does
					proc, err = os.StartProcess("/bin/sh", append([]string{"/bin/sh", path}, r.argv[1:]...), attr)
				}
			}
		}
		// Our copies of the child's ends: its exit is then the pipes' end.
		closeAll(stdoutW, stderrW, input)
		if err != nil {
			closeAll(stdoutR, stderrR)
			kidsMu.Lock()
			delete(kids, r.id)
			kidsMu.Unlock()
			running.Done()
			fail(err)
			return
		}
		kidsMu.Lock()
		k.pid, k.proc = proc.Pid, proc
		if k.killed {
			_ = proc.Kill()
		}
		k.done = func(ws syscall.WaitStatus) {
			code, sig := ws.ExitStatus(), 0
			if ws.Signaled() {
				code, sig = -1, int(ws.Signal())
			}
			put(r.id+" x "+strconv.Itoa(code)+" "+strconv.Itoa(sig)+"\n", nil)
			running.Done()
		}
		for _, p := range []*os.File{stdoutR, stderrR} {
			if p != nil {
				k.pipes++
			}
		}
		kidsMu.Unlock()
		for kind, p := range map[string]*os.File{"o": stdoutR, "e": stderrR} {
			if p != nil {
				go pump(r.id, kind, k, p)
			}
		}
	}
}

// pump passes a tool's output on, a burst at a time, until its end; then the child may be reaped.
func pump(id, kind string, k *kid, f *os.File) {
	b := make([]byte, 65536)
	for {
		n, err := f.Read(b)
		if n > 0 && err == nil && f.SetReadDeadline(time.Now().Add(gather)) == nil {
			for n < len(b) && err == nil {
				var m int
				m, err = f.Read(b[n:])
				n += m
			}
			if errors.Is(err, os.ErrDeadlineExceeded) {
				err = nil
			}
			_ = f.SetReadDeadline(time.Time{})
		}
		if n > 0 {
			put(id+" "+kind+" "+strconv.Itoa(n)+"\n", b[:n])
		}
		if err != nil { // the end, or an error reading (the same: no more of it)
			f.Close()
			kidsMu.Lock()
			k.pipes--
			kidsMu.Unlock()
			wakeReaper()
			return
		}
	}
}

func wakeReaper() {
	select {
	case reapNow <- struct{}{}:
	default:
	}
}

// reaper reaps each child whose pipes have ended, without blocking: at each SIGCHLD and each
// pipe's end. A child is reported once both have happened, as the Perl relay reports it.
func reaper(sigchld chan os.Signal) {
	for {
		select {
		case <-sigchld:
		case <-reapNow:
		}
		kidsMu.Lock()
		var ended []func()
		for id, k := range kids {
			if k.proc == nil || k.pipes > 0 || k.reaped {
				continue
			}
			var ws syscall.WaitStatus
			pid, err := syscall.Wait4(k.pid, &ws, syscall.WNOHANG, nil)
			if pid == 0 || errors.Is(err, syscall.EINTR) {
				continue // still running: its SIGCHLD comes
			}
			if err != nil {
				ws = syscall.WaitStatus(127 << 8) // not our child any more (cannot happen): reported as ended
			}
			k.reaped = true
			k.proc.Release()
			delete(kids, id)
			done := k.done
			ended = append(ended, func() { done(ws) })
		}
		kidsMu.Unlock()
		for _, f := range ended {
			f()
		}
	}
}

func handle(line string) {
	f := strings.Split(line, " ")
	op, f := f[0], f[1:]
	switch {
	case op == "s" && len(f) > 0 && idRe.MatchString(f[0]):
		// Anything malformed in a request with an id is answered (EINVAL), never left without a reply.
		id := f[0]
		einval := func() { put(id+" f 22\n", nil) }
		if len(f) < 9 || !intRe.MatchString(f[1]) || !intRe.MatchString(f[2]) || !idRe.MatchString(f[3]) {
			einval()
			return
		}
		uid, e1 := strconv.Atoi(f[1])
		gid, e2 := strconv.Atoi(f[2])
		nice, e3 := strconv.Atoi(f[3])
		if e1 != nil || e2 != nil || e3 != nil || nice > 19 || uid < -1 || gid < -1 || uid > 1<<32-2 || gid > 1<<32-2 {
			einval()
			return
		}
		fields := make([]string, 0, len(f)-4)
		for _, h := range f[4:] {
			v, ok := unhex(h)
			if !ok {
				einval()
				return
			}
			fields = append(fields, v)
		}
		r := request{id: id, uid: uid, gid: gid, nice: nice, cwd: fields[0], out: fields[1], fd3: fields[2], argv: fields[4:]}
		// A NUL cannot reach exec or open intact: refused, as Node's own spawn refuses it.
		for _, s := range append([]string{r.cwd, r.out, r.fd3}, r.argv...) {
			if strings.IndexByte(s, 0) >= 0 {
				einval()
				return
			}
		}
		kidsMu.Lock()
		_, dup := kids[id]
		kidsMu.Unlock()
		if dup {
			einval()
			return
		}
		// NAME=value pairs; a name without `=` gets an empty value, and the last of a name wins.
		at := map[string]int{}
		for _, kv := range strings.Split(fields[3], "\x00") {
			name, value, _ := strings.Cut(kv, "=")
			if name == "" {
				continue
			}
			if i, seen := at[name]; seen {
				r.env[i] = name + "=" + value
			} else {
				at[name] = len(r.env)
				r.env = append(r.env, name+"="+value)
			}
		}
		if r.env == nil {
			r.env = []string{}
		}
		start(r)
	case op == "k" && len(f) == 1:
		kidsMu.Lock()
		if k, ok := kids[f[0]]; ok {
			if k.proc != nil && !k.reaped {
				_ = k.proc.Kill()
			}
			k.killed = true
		}
		kidsMu.Unlock()
	}
}

// spareThreads makes the threads Go will want once tools run, before any runs: Go does not survive
// a thread the kernel refuses (at the user's process limit, which the tools count towards), and it
// keeps an idle thread for later rather than ending it. Each goroutine holds a thread of its own
// until all have one, then lets it go.
func spareThreads(n int) {
	var held, released sync.WaitGroup
	held.Add(n)
	released.Add(1)
	for range n {
		go func() {
			runtime.LockOSThread()
			held.Done()
			released.Wait()
			runtime.UnlockOSThread()
		}()
	}
	held.Wait()
	released.Done()
}

func main() {
	// One thread runs Go code at a time: the relay's work is a few system calls a tool, and with
	// more, Go's idle threads spin looking for work at each wakeup (measured: 2.1-2.4 ms of CPU a
	// tool with one, 2.6-2.8 with two, on a 2-core VM).
	runtime.GOMAXPROCS(1)
	spareThreads(8)
	// A write to a reader that went away is an error to handle (put), not a signal that kills the
	// relay. Caught, not ignored: an ignored signal would stay ignored in the tools.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	sigchld := make(chan os.Signal, 1)
	signal.Notify(sigchld, syscall.SIGCHLD)
	go reaper(sigchld)
	// Descriptors inherited without close-on-exec are not passed on: every one above stderr gets it.
	if ents, err := os.ReadDir("/proc/self/fd"); err == nil {
		for _, e := range ents {
			if fd, err := strconv.Atoi(e.Name()); err == nil && fd > 2 {
				syscall.CloseOnExec(fd)
			}
		}
	}
	var err error
	if devNull, err = os.Open(os.DevNull); err != nil {
		os.Exit(1)
	}
	if home, err = os.Getwd(); err != nil {
		home = "/"
	}
	if raw, err := syscall.Getpriority(syscall.PRIO_PROCESS, 0); err == nil {
		baseNice = 20 - raw // the kernel's answer is 20 - nice
	}
	// Our ends of the pipes from and to Node, non-blocking: Go then waits on them in its poller, and
	// a write Node is slow to read parks a goroutine, not a thread (a new thread could be refused
	// at the process limit, which Go does not survive).
	// (os.Stdin and os.Stdout stay as they are, and so stay open: a second File of a descriptor
	// closes it when collected, and these two are never collected.)
	if syscall.SetNonblock(0, true) == nil {
		stdin = os.NewFile(0, "stdin")
	}
	if syscall.SetNonblock(1, true) == nil {
		stdout = os.NewFile(1, "stdout")
	}
	in := bufio.NewReaderSize(stdin, 65536)
	var line []byte
	for {
		chunk, err := in.ReadSlice('\n')
		line = append(line, chunk...)
		if err == bufio.ErrBufferFull {
			if len(line) > 1<<20 { // a request line too long
				killAll()
				os.Exit(1)
			}
			continue
		}
		if err != nil {
			break
		}
		handle(string(line[:len(line)-1]))
		line = line[:0]
	}
	// The end of stdin: every tool is killed, and reported once reaped; then the relay exits.
	killAll()
	running.Wait()
}
