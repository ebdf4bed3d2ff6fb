package main

// Calico: Calico's validator (libcalico-go/lib/validator/v3) cannot be built here, because it
// imports github.com/projectcalico/api, which the module proxy refuses. What is built is Calico's
// own selector parser/evaluator (libcalico-go/lib/selector) and CIDR parser (libcalico-go/lib/net),
// with two checks ported from validator/v3's rule validation (validateRule in validator.go of the
// pinned calico pseudo-version): a rule's nets must not mix IPv4 and IPv6, and every selector must
// parse. The rule semantics (fields of a source ANDed; a selector without namespaceSelector means
// the policy's namespace; traffic from the local host to its workloads always allowed) follow
// Calico's NetworkPolicy reference; they are this program's reading, not Calico's code.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"strings"

	cnet "github.com/projectcalico/calico/libcalico-go/lib/net"
	"github.com/projectcalico/calico/libcalico-go/lib/selector"
)

type calicoPolicy struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name        string            `json:"name"`
		Namespace   string            `json:"namespace"`
		Labels      map[string]string `json:"labels"`
		Annotations map[string]string `json:"annotations"`
	} `json:"metadata"`
	Spec struct {
		Selector string       `json:"selector"`
		Types    []string     `json:"types"`
		Ingress  []calicoRule `json:"ingress"`
	} `json:"spec"`
}

type calicoRule struct {
	Action      string       `json:"action"`
	Protocol    string       `json:"protocol"`
	Source      calicoEntity `json:"source"`
	Destination calicoEntity `json:"destination"`
}

type calicoEntity struct {
	Nets              []string `json:"nets"`
	Selector          string   `json:"selector"`
	NamespaceSelector string   `json:"namespaceSelector"`
	ServiceAccounts   *struct {
		Names []string `json:"names"`
	} `json:"serviceAccounts"`
	Ports []uint16 `json:"ports"`
}

// parsedCalico is a policy whose selectors and nets went through Calico's parsers.
type parsedCalico struct {
	namespace string
	selector  selector.Selector
	rules     []parsedCalicoRule
}

type parsedCalicoRule struct {
	nets      []*cnet.IPNet
	selector  selector.Selector
	nsSel     selector.Selector
	saNames   []string
	ports     []uint16
	hasSource bool
}

// parseCalico decodes strictly (an unknown field is an error, as the API server would prune or
// refuse it) and applies the checks described above.
func parseCalico(raw json.RawMessage) (*parsedCalico, error) {
	var p calicoPolicy
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, err
	}
	sel, err := parseSelector("spec.selector", p.Spec.Selector)
	if err != nil {
		return nil, err
	}
	out := &parsedCalico{namespace: p.Metadata.Namespace, selector: sel}
	var problems []string
	for i, r := range p.Spec.Ingress {
		where := fmt.Sprintf("spec.ingress[%d]", i)
		pr, errs := parseCalicoRule(where, r)
		problems = append(problems, errs...)
		out.rules = append(out.rules, pr)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return out, nil
}

func parseCalicoRule(where string, r calicoRule) (parsedCalicoRule, []string) {
	var problems []string
	if r.Action != "Allow" {
		problems = append(problems, fmt.Sprintf("%s.action %q: only Allow is generated", where, r.Action))
	}
	if len(r.Destination.Ports) > 0 && r.Protocol != "TCP" && r.Protocol != "UDP" && r.Protocol != "SCTP" {
		problems = append(problems, fmt.Sprintf("%s: ports need protocol TCP, UDP or SCTP", where))
	}
	// Ported from validator/v3 validateRule (scanNets): one rule, one address family.
	var v4, v6 bool
	pr := parsedCalicoRule{ports: r.Destination.Ports}
	for _, n := range r.Source.Nets {
		_, ipnet, err := cnet.ParseCIDR(n)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s.source.nets %q: invalid CIDR", where, n))
			continue
		}
		v4 = v4 || ipnet.Version() == 4
		v6 = v6 || ipnet.Version() == 6
		pr.nets = append(pr.nets, ipnet)
	}
	if v4 && v6 {
		problems = append(problems, fmt.Sprintf("%s.source.nets: rule contains both IPv4 and IPv6 CIDRs", where))
	}
	var err error
	if r.Source.Selector != "" {
		if pr.selector, err = parseSelector(where+".source.selector", r.Source.Selector); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if r.Source.NamespaceSelector != "" {
		if pr.nsSel, err = parseSelector(where+".source.namespaceSelector", r.Source.NamespaceSelector); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if r.Source.ServiceAccounts != nil {
		pr.saNames = r.Source.ServiceAccounts.Names
	}
	pr.hasSource = len(r.Source.Nets) > 0 || r.Source.Selector != "" || r.Source.NamespaceSelector != "" ||
		r.Source.ServiceAccounts != nil
	return pr, problems
}

func parseSelector(where, text string) (selector.Selector, error) {
	sel, err := selector.Parse(text)
	if err != nil {
		return nil, fmt.Errorf("%s %q: %v", where, text, err)
	}
	return sel, nil
}

// calicoPeer is a connection source as Calico sees it: a workload endpoint (labels, namespace,
// ServiceAccount, IP), the local host, or an address.
type calicoPeer struct {
	name     string
	endpoint *endpoint
	host     bool
	ip       net.IP
}

// calicoLabels are the labels Calico gives a Kubernetes workload endpoint.
func calicoLabels(e endpoint) map[string]string {
	l := map[string]string{
		"projectcalico.org/namespace":    e.Namespace,
		"projectcalico.org/orchestrator": "k8s",
	}
	if e.ServiceAccount != "" {
		l["projectcalico.org/serviceaccount"] = e.ServiceAccount
	}
	for k, v := range e.Labels {
		l[k] = v
	}
	return l
}

func (r parsedCalicoRule) admits(policyNamespace string, src calicoPeer, port uint16) bool {
	if len(r.ports) > 0 && !containsPort(r.ports, port) {
		return false
	}
	if !r.hasSource {
		return true
	}
	if len(r.nets) > 0 {
		if src.ip == nil || !anyContains(r.nets, src.ip) {
			return false
		}
	}
	needsEndpoint := r.selector != nil || r.nsSel != nil || r.saNames != nil
	if !needsEndpoint {
		return true
	}
	if src.endpoint == nil {
		return false
	}
	e := *src.endpoint
	if r.nsSel != nil {
		if !r.nsSel.Evaluate(e.NamespaceLabels) {
			return false
		}
	} else if e.Namespace != policyNamespace {
		return false
	}
	if r.selector != nil && !r.selector.Evaluate(calicoLabels(e)) {
		return false
	}
	if r.saNames != nil && !containsString(r.saNames, e.ServiceAccount) {
		return false
	}
	return true
}

// calicoMatrix evaluates every flow to each endpoint: unselected endpoints admit everything, the
// local host is always admitted (Calico's host-to-local-workload rule), otherwise one allow rule
// of one selecting policy must admit the flow.
func calicoMatrix(policies []*parsedCalico, req request) ([]flow, error) {
	var srcs []calicoPeer
	for i := range req.Endpoints {
		e := req.Endpoints[i]
		srcs = append(srcs, calicoPeer{name: e.Namespace + "/" + e.Name, endpoint: &req.Endpoints[i], ip: net.ParseIP(e.IP)})
	}
	for _, s := range req.Sources {
		p := calicoPeer{name: s.Name, host: s.Reserved == "host", ip: net.ParseIP(s.IP)}
		if s.IP != "" && p.ip == nil {
			return nil, fmt.Errorf("source %q: invalid ip %q", s.Name, s.IP)
		}
		srcs = append(srcs, p)
	}
	var flows []flow
	for _, dst := range req.Endpoints {
		dstName := dst.Namespace + "/" + dst.Name
		var selecting []*parsedCalico
		for _, p := range policies {
			if p.namespace == dst.Namespace && p.selector.Evaluate(calicoLabels(dst)) {
				selecting = append(selecting, p)
			}
		}
		for _, src := range srcs {
			if src.name == dstName {
				continue
			}
			for _, port := range req.Ports {
				if len(selecting) == 0 || src.host || calicoAdmits(selecting, src, port) {
					flows = append(flows, flow{src.name, dstName, port})
				}
			}
		}
	}
	sortFlows(flows)
	return flows, nil
}

func calicoAdmits(policies []*parsedCalico, src calicoPeer, port uint16) bool {
	for _, p := range policies {
		for _, r := range p.rules {
			if r.admits(p.namespace, src, port) {
				return true
			}
		}
	}
	return false
}

func anyContains(nets []*cnet.IPNet, ip net.IP) bool {
	for _, n := range nets {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

func containsPort(ports []uint16, port uint16) bool {
	for _, p := range ports {
		if p == port {
			return true
		}
	}
	return false
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
