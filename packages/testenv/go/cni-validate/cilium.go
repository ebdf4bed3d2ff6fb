package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"sort"
	"strconv"

	"github.com/cilium/cilium/pkg/identity"
	"github.com/cilium/cilium/pkg/identity/identitymanager"
	ipcachetypes "github.com/cilium/cilium/pkg/ipcache/types"
	k8s "github.com/cilium/cilium/pkg/k8s"
	k8sConst "github.com/cilium/cilium/pkg/k8s/apis/cilium.io"
	ciliumv2 "github.com/cilium/cilium/pkg/k8s/apis/cilium.io/v2"
	slim_networkingv1 "github.com/cilium/cilium/pkg/k8s/slim/k8s/api/networking/v1"
	"github.com/cilium/cilium/pkg/labels"
	"github.com/cilium/cilium/pkg/option"
	"github.com/cilium/cilium/pkg/policy"
	"github.com/cilium/cilium/pkg/policy/api"
	policytypes "github.com/cilium/cilium/pkg/policy/types"
	policyutils "github.com/cilium/cilium/pkg/policy/utils"
	testidentity "github.com/cilium/cilium/pkg/testutils/identity"
	testpolicy "github.com/cilium/cilium/pkg/testutils/policy"
	"github.com/cilium/cilium/pkg/u8proto"
)

// clusterName is the agent's default cluster name; entities and parsed rules are scoped to it.
const clusterName = "default"

// endpoint is a pod as Cilium's identity sees it: its labels, its namespace's labels and its
// ServiceAccount become k8s: labels of the security identity.
type endpoint struct {
	Name            string            `json:"name"`
	Namespace       string            `json:"namespace"`
	Labels          map[string]string `json:"labels"`
	NamespaceLabels map[string]string `json:"namespaceLabels"`
	ServiceAccount  string            `json:"serviceAccount"`
	// IP is the pod's address: Calico matches nets against it (Cilium matches pods by identity).
	IP string `json:"ip,omitempty"`
}

// source is a peer that is not a pod: a reserved identity ("host", "remote-node") or an address
// outside the cluster (a CIDR identity, "world").
type source struct {
	Name     string `json:"name"`
	Reserved string `json:"reserved,omitempty"`
	IP       string `json:"ip,omitempty"`
}

type request struct {
	Objects   []json.RawMessage `json:"objects"`
	Endpoints []endpoint        `json:"endpoints"`
	Sources   []source          `json:"sources"`
	Ports     []uint16          `json:"ports"`
}

type objectResult struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace"`
	Name       string `json:"name"`
	OK         bool   `json:"ok"`
	Error      string `json:"error,omitempty"`
	Skipped    string `json:"skipped,omitempty"`
}

type flow struct {
	From string `json:"from"`
	To   string `json:"to"`
	Port uint16 `json:"port"`
}

type answer struct {
	Objects []objectResult `json:"objects"`
	// Matrix lists the allowed ingress flows per policy kind, keyed "<apiVersion>/<kind>".
	Matrix map[string][]flow `json:"matrix,omitempty"`
}

type meta struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
}

// configureAgentDefaults sets what a cilium-agent in a Kubernetes cluster runs with: the default
// enforcement mode (an endpoint is in default-deny once a rule selects it) and, as
// daemon/cmd/daemon.go does in Kubernetes mode, allow-localhost=always (the local node reaches its pods).
func configureAgentDefaults() {
	policy.SetPolicyEnabled(option.DefaultEnforcement)
	option.Config.UnsafeDaemonConfigOption.AllowLocalhost = option.AllowLocalhostAlways
	api.InitEntities(clusterName)
}

func run(req request) (answer, error) {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	configureAgentDefaults()
	entries := map[string][]resourceEntries{}
	calico := map[string][]*parsedCalico{}
	ans := answer{Objects: []objectResult{}}
	for i, raw := range req.Objects {
		var m meta
		if err := json.Unmarshal(raw, &m); err != nil {
			return ans, fmt.Errorf("objects[%d]: %w", i, err)
		}
		key := m.APIVersion + "/" + m.Kind
		res := objectResult{APIVersion: m.APIVersion, Kind: m.Kind, Namespace: m.Metadata.Namespace, Name: m.Metadata.Name}
		if isCalico(m) {
			parsed, err := parseCalico(raw)
			if err != nil {
				res.Error = err.Error()
			} else {
				res.OK = true
				calico[key] = append(calico[key], parsed)
			}
			ans.Objects = append(ans.Objects, res)
			continue
		}
		parsed, err := parseObject(logger, m, raw)
		switch {
		case err != nil:
			res.Error = err.Error()
		case parsed == nil:
			res.Skipped = "not a Cilium, Calico or networking.k8s.io/v1 policy"
		default:
			res.OK = true
			entries[key] = append(entries[key], resourceEntries{resourceID(m), parsed})
		}
		ans.Objects = append(ans.Objects, res)
	}
	if len(req.Endpoints) == 0 {
		return ans, nil
	}
	ans.Matrix = map[string][]flow{}
	for key, e := range entries {
		flows, err := matrix(logger, e, req)
		if err != nil {
			return ans, fmt.Errorf("evaluating %s: %w", key, err)
		}
		ans.Matrix[key] = flows
	}
	for key, policies := range calico {
		flows, err := calicoMatrix(policies, req)
		if err != nil {
			return ans, fmt.Errorf("evaluating %s: %w", key, err)
		}
		ans.Matrix[key] = flows
	}
	return ans, nil
}

func isCalico(m meta) bool {
	return m.Kind == "NetworkPolicy" && (m.APIVersion == "projectcalico.org/v3" || m.APIVersion == "crd.projectcalico.org/v1")
}

// resourceEntries are the parsed rules of one object; the repository files rules by resource,
// and takes a rule's namespace from its resource ID.
type resourceEntries struct {
	id      ipcachetypes.ResourceID
	entries policytypes.PolicyEntries
}

func resourceID(m meta) ipcachetypes.ResourceID {
	kind := ipcachetypes.ResourceKindCNP
	if m.Kind == "NetworkPolicy" {
		kind = ipcachetypes.ResourceKindNetpol
	}
	return ipcachetypes.NewResourceID(kind, m.Metadata.Namespace, m.Metadata.Name)
}

func parseObject(logger *slog.Logger, m meta, raw json.RawMessage) (policytypes.PolicyEntries, error) {
	switch {
	case m.APIVersion == "cilium.io/v2" && m.Kind == "CiliumNetworkPolicy":
		var cnp ciliumv2.CiliumNetworkPolicy
		if err := json.Unmarshal(raw, &cnp); err != nil {
			return nil, err
		}
		rules, err := cnp.Parse(logger, clusterName)
		if err != nil {
			return nil, err
		}
		return policyutils.RulesToPolicyEntries(rules), nil
	case m.APIVersion == "networking.k8s.io/v1" && m.Kind == "NetworkPolicy":
		var np slim_networkingv1.NetworkPolicy
		if err := json.Unmarshal(raw, &np); err != nil {
			return nil, err
		}
		return k8s.ParseNetworkPolicy(logger, clusterName, &np)
	}
	return nil, nil
}

func endpointLabels(e endpoint) labels.LabelArray {
	l := labels.LabelArray{
		labels.NewLabel(k8sConst.PodNamespaceLabel, e.Namespace, labels.LabelSourceK8s),
		labels.NewLabel(k8sConst.PolicyLabelCluster, clusterName, labels.LabelSourceK8s),
	}
	if e.ServiceAccount != "" {
		l = append(l, labels.NewLabel(k8sConst.PolicyLabelServiceAccount, e.ServiceAccount, labels.LabelSourceK8s))
	}
	for k, v := range e.Labels {
		l = append(l, labels.NewLabel(k, v, labels.LabelSourceK8s))
	}
	for k, v := range e.NamespaceLabels {
		l = append(l, labels.NewLabel(k8sConst.PodNamespaceMetaLabelsPrefix+k, v, labels.LabelSourceK8s))
	}
	return l.Sort()
}

func sourceIdentity(s source, next identity.NumericIdentity) (*identity.Identity, error) {
	switch {
	case s.Reserved != "":
		id := identity.GetReservedID(s.Reserved)
		if id == identity.IdentityUnknown {
			return nil, fmt.Errorf("source %q: unknown reserved identity %q", s.Name, s.Reserved)
		}
		return identity.LookupReservedIdentity(id), nil
	case s.IP != "":
		addr, err := netip.ParseAddr(s.IP)
		if err != nil {
			return nil, fmt.Errorf("source %q: %w", s.Name, err)
		}
		return identity.NewIdentityFromLabelArray(next, labels.GetCIDRLabels(netip.PrefixFrom(addr, addr.BitLen())).LabelArray()), nil
	}
	return nil, fmt.Errorf("source %q: needs reserved or ip", s.Name)
}

// matrix loads entries into a fresh repository and looks up every flow with Cilium's LookupFlow.
func matrix(logger *slog.Logger, resources []resourceEntries, req request) ([]flow, error) {
	type peer struct {
		name string
		id   *identity.Identity
	}
	var dsts, srcs []peer
	next := identity.NumericIdentity(1000)
	for _, e := range req.Endpoints {
		next++
		p := peer{e.Namespace + "/" + e.Name, identity.NewIdentityFromLabelArray(next, endpointLabels(e))}
		dsts = append(dsts, p)
		srcs = append(srcs, p)
	}
	for _, s := range req.Sources {
		next++
		id, err := sourceIdentity(s, identity.NumericIdentity(1<<24)+next)
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, peer{s.Name, id})
	}
	idmap := identity.IdentityMap{}
	for _, p := range srcs {
		idmap[p.id.ID] = p.id.LabelArray
	}
	idManager := identitymanager.NewIDManager(logger)
	repo := policy.NewPolicyRepository(logger, idmap, nil, nil, idManager, testpolicy.NewPolicyMetricsNoop())
	repo.GetSelectorCache().SetLocalIdentityNotifier(testidentity.NewDummyIdentityNotifier())
	idManager.Subscribe(testpolicy.SelectorCacheObserver{Cache: repo.GetSubjectSelectorCache()})
	for _, r := range resources {
		repo.ReplaceByResource(r.entries, r.id)
	}
	var flows []flow
	for _, dst := range dsts {
		for _, src := range srcs {
			if src.name == dst.name {
				continue
			}
			for _, port := range req.Ports {
				verdict, _, _, err := policy.LookupFlow(logger, repo, idManager, policytypes.Flow{
					From: src.id, To: dst.id, Proto: u8proto.TCP, Dport: port,
				})
				if err != nil {
					return nil, fmt.Errorf("flow %s -> %s:%s: %w", src.name, dst.name, strconv.Itoa(int(port)), err)
				}
				if verdict.Ingress == policytypes.DecisionAllowed {
					flows = append(flows, flow{src.name, dst.name, port})
				}
			}
		}
	}
	sortFlows(flows)
	return flows, nil
}

func sortFlows(flows []flow) {
	sort.Slice(flows, func(i, j int) bool {
		a, b := flows[i], flows[j]
		if a.To != b.To {
			return a.To < b.To
		}
		if a.From != b.From {
			return a.From < b.From
		}
		return a.Port < b.Port
	})
}
