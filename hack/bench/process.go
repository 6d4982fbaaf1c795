/*
Copyright 2026 The OpenSearch DataSource Operator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// managerProcess is the manager binary running as its own process, as
// users deploy it, so that its memory is its own and measured from /proc.
type managerProcess struct {
	cmd         *exec.Cmd
	metricsAddr string
	exited      chan error
	log         *os.File
}

// buildManager builds the manager from the repository at root into dir.
func buildManager(root, dir string) (string, error) {
	bin := dir + "/manager"
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %w\n%s", err, out)
	}
	return bin, nil
}

// buildManagerAt builds the manager as it was at revision rev of the
// repository at root into dir, from a copy of that revision's files.
func buildManagerAt(root, rev, dir string) (string, error) {
	src := filepath.Join(dir, "baseline-src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		return "", err
	}
	archive := exec.Command("git", "-C", root, "archive", rev)
	extract := exec.Command("tar", "-x", "-C", src)
	pipe, err := archive.StdoutPipe()
	if err != nil {
		return "", err
	}
	extract.Stdin = pipe
	var stderr strings.Builder
	archive.Stderr, extract.Stderr = &stderr, &stderr
	if err := extract.Start(); err != nil {
		return "", err
	}
	if err := archive.Run(); err != nil {
		_ = extract.Wait()
		return "", fmt.Errorf("git archive %s: %w\n%s", rev, err, stderr.String())
	}
	if err := extract.Wait(); err != nil {
		return "", fmt.Errorf("extracting %s: %w\n%s", rev, err, stderr.String())
	}
	bin := filepath.Join(dir, "manager-baseline")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = src
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build at %s: %w\n%s", rev, err, out)
	}
	return bin, nil
}

// startManager runs bin against kubeconfig, watching namespace only, with
// plain-HTTP metrics on a free loopback port and extra flags appended; its
// output goes to logPath.
func startManager(bin, kubeconfig, namespace, logPath string, extra []string) (*managerProcess, error) {
	metricsAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	probeAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	log, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	args := append([]string{"--kubeconfig", kubeconfig, "--namespaces", namespace,
		"--metrics-bind-address", metricsAddr, "--metrics-secure=false", "--health-probe-bind-address", probeAddr}, extra...)
	m := &managerProcess{cmd: exec.Command(bin, args...), metricsAddr: metricsAddr, exited: make(chan error, 1), log: log}
	m.cmd.Stdout, m.cmd.Stderr = log, log
	if err := m.cmd.Start(); err != nil {
		_ = log.Close()
		return nil, err
	}
	go func() { m.exited <- m.cmd.Wait() }()
	return m, nil
}

// stop sends SIGTERM and waits, killing the process if it does not exit.
func (m *managerProcess) stop() {
	defer m.log.Close()
	_ = m.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-m.exited:
		m.exited <- err
	case <-time.After(15 * time.Second):
		_ = m.cmd.Process.Kill()
		m.exited <- <-m.exited
	}
}

// alive reports an error once the process has exited.
func (m *managerProcess) alive() error {
	select {
	case err := <-m.exited:
		m.exited <- err
		return fmt.Errorf("the manager exited (see %s): %w", m.log.Name(), err)
	default:
		return nil
	}
}

// memory is a process's resident set now and at its peak, in KiB.
type memory struct {
	RSSKiB int64 `json:"rssKiB"`
	HWMKiB int64 `json:"hwmKiB"`
	// AnonKiB and FileKiB split RSSKiB: memory the process allocated, and
	// pages of files it maps (its own binary), which the kernel may drop
	// and read again rather than kill it for.
	AnonKiB int64 `json:"rssAnonKiB"`
	FileKiB int64 `json:"rssFileKiB"`
}

func (m *managerProcess) memory() (memory, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", m.cmd.Process.Pid))
	if err != nil {
		return memory{}, err
	}
	return parseProcStatus(string(b))
}

// cpuSeconds is the CPU time the process has used, user and system.
func (m *managerProcess) cpuSeconds() (float64, error) { return processCPU(m.cmd.Process.Pid) }

// processCPU is the CPU time process pid has used, user and system.
func processCPU(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	return parseProcStat(string(b))
}

// findProcess is the process running the executable named exe whose
// command line has arg.
func findProcess(exe, arg string) (int, error) {
	dirs, err := os.ReadDir("/proc")
	if err != nil {
		return 0, err
	}
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err != nil {
			continue
		}
		args := strings.Split(string(cmdline), "\x00")
		if filepath.Base(args[0]) == exe && slices.Contains(args, arg) {
			return pid, nil
		}
	}
	return 0, fmt.Errorf("no %s process with %s", exe, arg)
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times: 100 on every
// Linux architecture Go supports.
const clockTicks = 100

// parseProcStat reads utime and stime (fields 14 and 15) from
// /proc/<pid>/stat. The command name, field 2, may hold spaces and
// parentheses, so fields are counted after its closing parenthesis.
func parseProcStat(stat string) (float64, error) {
	end := strings.LastIndex(stat, ")")
	if end < 0 {
		return 0, errors.New("no command name in the process stat")
	}
	fields := strings.Fields(stat[end+1:])
	// fields[0] is field 3 (state), so utime (14) is fields[11].
	if len(fields) < 13 {
		return 0, errors.New("short process stat")
	}
	var ticks float64
	for _, f := range fields[11:13] {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return 0, fmt.Errorf("process stat: %w", err)
		}
		ticks += v
	}
	return ticks / clockTicks, nil
}

// parseProcStatus reads VmRSS and VmHWM, and RssAnon and RssFile where the
// kernel reports them, from /proc/<pid>/status.
func parseProcStatus(status string) (memory, error) {
	var m memory
	into := map[string]*int64{"VmRSS": &m.RSSKiB, "VmHWM": &m.HWMKiB, "RssAnon": &m.AnonKiB, "RssFile": &m.FileKiB}
	found := 0
	sc := bufio.NewScanner(strings.NewReader(status))
	for sc.Scan() {
		key, rest, ok := strings.Cut(sc.Text(), ":")
		dst := into[key]
		if !ok || dst == nil {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) != 2 || fields[1] != "kB" {
			return memory{}, fmt.Errorf("unexpected %s line %q", key, sc.Text())
		}
		v, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return memory{}, fmt.Errorf("%s: %w", key, err)
		}
		*dst = v
		if key == "VmRSS" || key == "VmHWM" {
			found++
		}
	}
	if found != 2 {
		return memory{}, errors.New("no VmRSS and VmHWM in the process status")
	}
	return m, nil
}

// apiCounts are what the manager's metrics say it did: requests to the
// Kubernetes API by HTTP method, and reconciles by controller.
type apiCounts struct {
	Requests   map[string]float64 `json:"requests"`
	Reconciles map[string]float64 `json:"reconciles"`
}

// writes is how many API requests changed something.
func (a apiCounts) writes() float64 {
	return a.Requests["POST"] + a.Requests["PUT"] + a.Requests["PATCH"] + a.Requests["DELETE"]
}

// minus is the difference since an earlier reading.
func (a apiCounts) minus(earlier apiCounts) apiCounts {
	sub := func(x, y map[string]float64) map[string]float64 {
		out := map[string]float64{}
		for k, v := range x {
			if d := v - y[k]; d != 0 {
				out[k] = d
			}
		}
		return out
	}
	return apiCounts{Requests: sub(a.Requests, earlier.Requests), Reconciles: sub(a.Reconciles, earlier.Reconciles)}
}

func (m *managerProcess) counts(ctx context.Context) (apiCounts, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+m.metricsAddr+"/metrics", nil)
	if err != nil {
		return apiCounts{}, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return apiCounts{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return apiCounts{}, err
	}
	return apiCounts{
		Requests:   sumByLabel(string(body), "rest_client_requests_total", "method"),
		Reconciles: sumByLabel(string(body), "controller_runtime_reconcile_total", "controller"),
	}, nil
}

var labelPair = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"`)

// sumByLabel sums the samples of metric in a Prometheus text exposition by
// the value of label.
func sumByLabel(exposition, metric, label string) map[string]float64 {
	out := map[string]float64{}
	for _, line := range strings.Split(exposition, "\n") {
		if !strings.HasPrefix(line, metric+"{") {
			continue
		}
		end := strings.LastIndex(line, "}")
		if end < 0 {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(line[end+1:]), 64)
		if err != nil {
			continue
		}
		for _, m := range labelPair.FindAllStringSubmatch(line[len(metric)+1:end], -1) {
			if m[1] == label {
				out[m[2]] += v
			}
		}
	}
	return out
}

// freeAddr returns a loopback address nothing listens on right now.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// reads is how many API requests only read (gets, lists and watches are all GET).
func (a apiCounts) reads() float64 { return a.Requests["GET"] }
