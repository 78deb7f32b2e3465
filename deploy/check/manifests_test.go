// Package check validates the Kubernetes manifests in ../kubernetes
// offline: each document is decoded strictly into the k8s.io/api type of its
// kind (an unknown or misspelt field, a wrong type or a malformed quantity
// fails), then checked for the references between objects that no schema
// sees: selectors, named ports, Secret keys and the autoscaler's target.
package check

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/yaml"
)

type manifests struct {
	deployments []appsv1.Deployment
	services    []corev1.Service
	secrets     []corev1.Secret
	hpas        []autoscalingv2.HorizontalPodAutoscaler
	pdbs        []policyv1.PodDisruptionBudget
}

// known maps apiVersion/kind to a strict decoder.
func (m *manifests) decode(t *testing.T, file string, doc []byte) metav1.ObjectMeta {
	t.Helper()
	var tm metav1.TypeMeta
	if err := yaml.Unmarshal(doc, &tm); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	strict := func(into any) {
		if err := yaml.UnmarshalStrict(doc, into); err != nil {
			t.Fatalf("%s (%s %s): %v", file, tm.APIVersion, tm.Kind, err)
		}
	}
	switch tm.APIVersion + "/" + tm.Kind {
	case "apps/v1/Deployment":
		var o appsv1.Deployment
		strict(&o)
		m.deployments = append(m.deployments, o)
		return o.ObjectMeta
	case "v1/Service":
		var o corev1.Service
		strict(&o)
		m.services = append(m.services, o)
		return o.ObjectMeta
	case "v1/Secret":
		var o corev1.Secret
		strict(&o)
		m.secrets = append(m.secrets, o)
		return o.ObjectMeta
	case "autoscaling/v2/HorizontalPodAutoscaler":
		var o autoscalingv2.HorizontalPodAutoscaler
		strict(&o)
		m.hpas = append(m.hpas, o)
		return o.ObjectMeta
	case "policy/v1/PodDisruptionBudget":
		var o policyv1.PodDisruptionBudget
		strict(&o)
		m.pdbs = append(m.pdbs, o)
		return o.ObjectMeta
	}
	t.Fatalf("%s: unexpected %s %s (add its type to this check)", file, tm.APIVersion, tm.Kind)
	return metav1.ObjectMeta{}
}

func load(t *testing.T) *manifests {
	t.Helper()
	files, err := filepath.Glob("../kubernetes/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests found: %v", err)
	}
	m := &manifests{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range strings.Split(string(raw), "\n---") {
			if strings.TrimSpace(stripComments(doc)) == "" {
				continue
			}
			meta := m.decode(t, f, []byte(doc))
			if errs := validation.IsDNS1123Subdomain(meta.Name); len(errs) > 0 {
				t.Errorf("%s: name %q: %v", f, meta.Name, errs)
			}
			if meta.Labels["app.kubernetes.io/name"] != "nextcloud-mcp" {
				t.Errorf("%s: %s lacks the label app.kubernetes.io/name=nextcloud-mcp", f, meta.Name)
			}
		}
	}
	return m
}

func stripComments(doc string) string {
	var out []string
	for _, l := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestManifests(t *testing.T) {
	m := load(t)
	if len(m.deployments) != 1 || len(m.services) != 1 || len(m.secrets) != 1 || len(m.hpas) != 1 || len(m.pdbs) != 1 {
		t.Fatalf("want one Deployment, Service, Secret, HPA and PDB; got %d, %d, %d, %d, %d",
			len(m.deployments), len(m.services), len(m.secrets), len(m.hpas), len(m.pdbs))
	}
	d, svc, sec, hpa, pdb := m.deployments[0], m.services[0], m.secrets[0], m.hpas[0], m.pdbs[0]
	pod := labels.Set(d.Spec.Template.Labels)

	sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
	if err != nil || sel.Empty() || !sel.Matches(pod) {
		t.Errorf("the Deployment's selector does not match its pod labels: %v", err)
	}
	if !labels.SelectorFromSet(svc.Spec.Selector).Matches(pod) || len(svc.Spec.Selector) == 0 {
		t.Error("the Service does not select the Deployment's pods")
	}
	if ps, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector); err != nil || !ps.Matches(pod) {
		t.Error("the PodDisruptionBudget does not select the Deployment's pods")
	}
	ref := hpa.Spec.ScaleTargetRef
	if ref.Kind != "Deployment" || ref.Name != d.Name || ref.APIVersion != "apps/v1" {
		t.Errorf("the HPA scales %s %s, not the Deployment", ref.Kind, ref.Name)
	}
	if hpa.Spec.MinReplicas == nil || *hpa.Spec.MinReplicas < 2 || hpa.Spec.MaxReplicas < *hpa.Spec.MinReplicas {
		t.Error("the HPA needs minReplicas ≥ 2 and maxReplicas ≥ minReplicas")
	}

	if len(d.Spec.Template.Spec.Containers) != 1 {
		t.Fatal("want one container")
	}
	c := d.Spec.Template.Spec.Containers[0]
	ports := map[string]int32{}
	for _, p := range c.Ports {
		ports[p.Name] = p.ContainerPort
	}
	for _, sp := range svc.Spec.Ports {
		if sp.TargetPort.StrVal != "" && ports[sp.TargetPort.StrVal] == 0 {
			t.Errorf("the Service targets port %q, which the container does not name", sp.TargetPort.StrVal)
		}
	}
	for name, probe := range map[string]*corev1.Probe{"readiness": c.ReadinessProbe, "liveness": c.LivenessProbe} {
		if probe == nil || probe.HTTPGet == nil {
			t.Errorf("no HTTP %s probe", name)
			continue
		}
		if ports[probe.HTTPGet.Port.StrVal] == 0 {
			t.Errorf("the %s probe uses port %q, which the container does not name", name, probe.HTTPGet.Port.String())
		}
	}
	if c.ReadinessProbe != nil && c.ReadinessProbe.HTTPGet.Path != "/readyz" || c.LivenessProbe != nil && c.LivenessProbe.HTTPGet.Path != "/healthz" {
		t.Error("probes must use /readyz (readiness) and /healthz (liveness)")
	}
	// The server must listen on every interface inside the pod, on the named port.
	if i := slices.Index(c.Args, "--http"); i < 0 || i+1 >= len(c.Args) || !strings.HasSuffix(c.Args[i+1], ":8080") || !strings.HasPrefix(c.Args[i+1], "0.0.0.0") || ports["http"] != 8080 {
		t.Errorf("args %v must serve --http 0.0.0.0:8080 on the port named http", c.Args)
	}
	if _, ok := c.Resources.Requests[corev1.ResourceCPU]; !ok {
		t.Error("a CPU request is needed for the HPA's utilization target")
	}
	env := map[string]bool{}
	for _, e := range c.Env {
		env[e.Name] = true
		if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
			r := e.ValueFrom.SecretKeyRef
			if r.Name != sec.Name {
				t.Errorf("%s reads Secret %q, which is not in the manifests", e.Name, r.Name)
			} else if _, ok := sec.StringData[r.Key]; !ok {
				t.Errorf("%s reads key %q, which Secret %s lacks", e.Name, r.Key, sec.Name)
			}
		}
		if e.Name == "NEXTCLOUD_MCP_CLIENT_SECRET" && e.Value != "" {
			t.Error("the client secret must come from the Secret, not a literal")
		}
	}
	for _, need := range []string{"NEXTCLOUD_HOST", "NEXTCLOUD_MCP_AUTH_MODE", "NEXTCLOUD_MCP_OIDC_ISSUER", "NEXTCLOUD_MCP_PUBLIC_URL", "NEXTCLOUD_MCP_CLIENT_ID", "NEXTCLOUD_MCP_CLIENT_SECRET"} {
		if !env[need] {
			t.Errorf("the container does not set %s", need)
		}
	}
	sc, psc := c.SecurityContext, d.Spec.Template.Spec.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
		sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		t.Error("the pod must run as non-root with a read-only root file system and no privilege escalation")
	}
	if g := d.Spec.Template.Spec.TerminationGracePeriodSeconds; g == nil || *g <= 25 {
		t.Error("terminationGracePeriodSeconds must exceed the server's 25 s drain")
	}
}

// TestStrictDecodingCatchesMistakes proves the check can fail: a misspelt
// field and a malformed quantity are refused.
func TestStrictDecodingCatchesMistakes(t *testing.T) {
	for name, doc := range map[string]string{
		"misspelt field": "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  selectr:\n    a: b\n",
		"bad quantity":   "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          resources:\n            requests:\n              cpu: lots\n",
		"wrong type":     "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: x\nspec:\n  maxReplicas: ten\n",
	} {
		var tm metav1.TypeMeta
		_ = yaml.Unmarshal([]byte(doc), &tm)
		var into any
		switch tm.Kind {
		case "Service":
			into = &corev1.Service{}
		case "Deployment":
			into = &appsv1.Deployment{}
		default:
			into = &autoscalingv2.HorizontalPodAutoscaler{}
		}
		if err := yaml.UnmarshalStrict([]byte(doc), into); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
