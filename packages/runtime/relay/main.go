// The spawn relay in Go (packages/runtime/src/spawn-relay.ts; the protocol is spawn-relay.pl's,
// the same requests and replies). Go starts a process with clone(CLONE_VM|CLONE_VFORK): the child
// borrows this process's memory until its exec, so nothing is copied or write-protected and this
// process takes no page faults afterwards. The Perl relay forks, and its own first writes after
// each fork fault (about 113 a tool): measured, 5 ms of CPU a spawn for Perl against about 1 ms
// here (docs/architecture.md, "Twenty-second pass"). Standard library only.
//
// What a child gets is what the Perl relay gives it: stdin /dev/null, stdout a pipe or a file of
// ours (appending), stderr a pipe, optionally a file read-only as descriptor 3, nothing else; the
// working directory given (or /), entered before the user changes; the environment given and
// nothing more; when asked, another uid and gid with no supplementary groups, and a higher nice
// value; SIGKILL when the relay ends (its parent-death signal).
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
)

var (
	outMu   sync.Mutex
	kidsMu  sync.Mutex
	kids    = map[string]*kid{}
	running sync.WaitGroup
	// The working directory is the process's: a start changes it and changes it back, one at a time.
	startMu sync.Mutex
	devNull *os.File
	idRe    = regexp.MustCompile(`^\d+$`)
	intRe   = regexp.MustCompile(`^-?\d+$`)
	hexRe   = regexp.MustCompile(`^(?:[0-9a-f]{2})+$`)
)

type kid struct {
	proc   *os.Process
	killed bool // asked to kill before the process existed
	reaped bool
}

// put writes one reply (a header line, then any bytes) whole. A reader that went away ends the
// relay and its tools, as the Perl relay's END does.
func put(header string, data []byte) {
	buf := make([]byte, 0, len(header)+len(data))
	buf = append(append(buf, header...), data...)
	outMu.Lock()
	defer outMu.Unlock()
	for len(buf) > 0 {
		n, err := os.Stdout.Write(buf)
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

// lookPath finds the program as execvp(3) does, on the PATH of the child's environment (not ours):
// a name with a slash as it is; else the first executable regular file of that name in PATH's
// directories (an empty entry is the working directory), ENOENT if none, EACCES if one was found
// that cannot be run.
func lookPath(name string, env []string) (string, error) {
	if name == "" {
		return "", syscall.ENOENT
	}
	if strings.Contains(name, "/") {
		return name, nil
	}
	path := "/bin:/usr/bin"
	for _, kv := range env {
		if strings.HasPrefix(kv, "PATH=") {
			path = kv[5:]
		}
	}
	denied := false
	for _, dir := range strings.Split(path, ":") {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, name)
		if dir == "." {
			p = "./" + name
		}
		var st syscall.Stat_t
		if syscall.Stat(p, &st) != nil {
			continue
		}
		if st.Mode&syscall.S_IFMT != syscall.S_IFREG || syscall.Access(p, 1 /* X_OK */) != nil {
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

type request struct {
	id, cwd, out, fd3 string
	uid, gid, nice    int
	env, argv         []string
}

func start(r request) {
	fail := func(err error) { put(r.id+" f "+strconv.Itoa(errnoOf(err))+"\n", nil) }
	var stdoutR, stdoutW, stderrR, stderrW, input *os.File
	closeAll := func() {
		for _, f := range []*os.File{stdoutR, stdoutW, stderrR, stderrW, input} {
			if f != nil {
				f.Close()
			}
		}
	}
	var err error
	if r.out == "" {
		stdoutR, stdoutW, err = os.Pipe()
	} else {
		stdoutW, err = os.OpenFile(r.out, os.O_WRONLY|os.O_APPEND, 0)
	}
	if err == nil {
		stderrR, stderrW, err = os.Pipe()
	}
	if err == nil && r.fd3 != "" {
		input, err = os.Open(r.fd3)
	}
	if err != nil {
		closeAll()
		fail(err)
		return
	}
	k := &kid{}
	kidsMu.Lock()
	kids[r.id] = k
	kidsMu.Unlock()
	running.Add(1)
	go func() {
		defer running.Done()
		// This goroutine keeps its thread to the end, and the thread then ends with it: a child's
		// parent-death signal follows the thread that started it, and its nice value is that
		// thread's (raised here, once, for this child alone).
		runtime.LockOSThread()
		if r.nice > 0 {
			tid := syscall.Gettid()
			raw, e := syscall.Getpriority(syscall.PRIO_PROCESS, tid) // the kernel's 20 - nice
			if e == nil {
				e = syscall.Setpriority(syscall.PRIO_PROCESS, tid, min(19, 20-raw+r.nice))
			}
			if e != nil {
				finish(r.id, k, nil, e, closeAll)
				return
			}
		}
		files := []*os.File{devNull, stdoutW, stderrW}
		if input != nil {
			files = append(files, input)
		}
		attr := &os.ProcAttr{Env: r.env, Files: files, Sys: &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}}
		if r.uid >= 0 {
			attr.Sys.Credential = &syscall.Credential{Uid: uint32(r.uid), Gid: uint32(r.gid), Groups: []uint32{}}
		}
		path, err := lookPath(r.argv[0], r.env)
		var proc *os.Process
		if err == nil {
			startMu.Lock()
			dir := r.cwd
			if dir == "" {
				dir = "/"
			}
			if err = syscall.Chdir(dir); err == nil {
				proc, err = os.StartProcess(path, r.argv, attr)
				_ = syscall.Chdir("/")
			}
			startMu.Unlock()
		}
		// Our copies of the child's ends: its exit is then the pipes' end.
		for _, f := range []*os.File{stdoutW, stderrW, input} {
			if f != nil {
				f.Close()
			}
		}
		if err != nil {
			finish(r.id, k, nil, err, closeAll)
			return
		}
		kidsMu.Lock()
		k.proc = proc
		if k.killed {
			_ = proc.Kill()
		}
		kidsMu.Unlock()
		var pumps sync.WaitGroup
		for _, p := range []struct {
			f    *os.File
			kind string
		}{{stdoutR, "o"}, {stderrR, "e"}} {
			if p.f == nil {
				continue
			}
			pumps.Add(1)
			go func() {
				defer pumps.Done()
				b := make([]byte, 65536)
				for {
					n, e := p.f.Read(b)
					if n > 0 {
						put(r.id+" "+p.kind+" "+strconv.Itoa(n)+"\n", b[:n])
					}
					if e != nil { // the end, or an error reading (the same: no more of it)
						p.f.Close()
						return
					}
				}
			}()
		}
		pumps.Wait()
		finish(r.id, k, proc, nil, nil)
	}()
}

// finish reports a child that could not start (err) or reaps one whose pipes have ended.
func finish(id string, k *kid, proc *os.Process, err error, closeAll func()) {
	if err != nil {
		closeAll()
		kidsMu.Lock()
		delete(kids, id)
		kidsMu.Unlock()
		put(id+" f "+strconv.Itoa(errnoOf(err))+"\n", nil)
		return
	}
	st, werr := proc.Wait()
	code, sig := 127, 0 // not our child any more (cannot happen): reported as ended
	if werr == nil {
		ws := st.Sys().(syscall.WaitStatus)
		if ws.Signaled() {
			code, sig = -1, int(ws.Signal())
		} else {
			code = ws.ExitStatus()
		}
	}
	kidsMu.Lock()
	k.reaped = true
	delete(kids, id)
	kidsMu.Unlock()
	put(id+" x "+strconv.Itoa(code)+" "+strconv.Itoa(sig)+"\n", nil)
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
		r.env = []string{}
		for _, kv := range strings.Split(fields[3], "\x00") {
			if name, _, _ := strings.Cut(kv, "="); name != "" {
				r.env = append(r.env, kv)
			}
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

func main() {
	// A write to a reader that went away is an error to handle (put), not a signal that kills the
	// relay. Caught, not ignored: an ignored signal would stay ignored in the tools.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
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
	in := bufio.NewReaderSize(os.Stdin, 65536)
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
