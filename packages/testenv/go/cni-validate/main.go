// cni-validate judges generated network policy objects with the CNIs' own code, not with our
// reading of their docs. It reads one JSON request on stdin and writes one JSON answer on stdout:
//
//   - every CiliumNetworkPolicy goes through Cilium's own parser and sanitizer
//     (CiliumNetworkPolicy.Parse, what the agent runs when it imports the object);
//   - every networking.k8s.io/v1 NetworkPolicy goes through Cilium's own NetworkPolicy parser;
//   - when the request lists endpoints, the objects of each kind are loaded into a Cilium policy
//     repository and every (source, destination, port) flow is looked up with policy.LookupFlow,
//     so the allowed matrix of the Cilium flavour and of the vanilla flavour come from one engine.
//
// Calico's validator (libcalico-go/lib/validator/v3) is not built in: it imports
// github.com/projectcalico/api, which the module proxy refuses (see the testenv README).
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
)

func main() {
	if len(os.Args) > 1 {
		fmt.Fprintln(os.Stderr, "usage: cni-validate < request.json > answer.json\n\n"+
			"request: {\"objects\": [k8s objects], \"endpoints\": [...], \"sources\": [...], \"ports\": [...]}\n"+
			"answer:  {\"objects\": [{kind,namespace,name,ok,error}], \"matrix\": {kind: [flow]}}")
		os.Exit(2)
	}
	raw, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail("reading stdin: %v", err)
	}
	var req request
	if err := json.Unmarshal(raw, &req); err != nil {
		fail("request is not JSON of the expected shape: %v", err)
	}
	ans, err := run(req)
	if err != nil {
		fail("%v", err)
	}
	out := json.NewEncoder(os.Stdout)
	out.SetIndent("", " ")
	if err := out.Encode(ans); err != nil {
		fail("writing answer: %v", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "cni-validate: "+format+"\n", args...)
	os.Exit(1)
}
