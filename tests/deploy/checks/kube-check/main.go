// kube-check renders kustomize overlays with the kustomize library (krusty, what `kubectl apply
// -k` runs) and decodes every object strictly into its official Kubernetes API type: an unknown
// or misspelt field, a wrong type or an unparsable quantity fails. Kinds it has no type for fail
// too, so nothing in an overlay escapes the check. It prints each overlay's objects as JSON.
//
//	kube-check deploy/kubernetes/overlays/staging deploy/kubernetes/overlays/production
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: kube-check <kustomization dir>...")
		os.Exit(2)
	}
	out := map[string][]map[string]any{}
	var failures []string
	for _, dir := range os.Args[1:] {
		objects, errs := check(dir)
		out[dir] = objects
		for _, e := range errs {
			failures = append(failures, dir+": "+e)
		}
	}
	if len(failures) > 0 {
		fmt.Fprintln(os.Stderr, strings.Join(failures, "\n"))
		os.Exit(1)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func check(dir string) ([]map[string]any, []string) {
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	resources, err := k.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		return nil, []string{"kustomize: " + err.Error()}
	}
	var objects []map[string]any
	var errs []string
	for _, r := range resources.Resources() {
		data, err := r.MarshalJSON()
		if err != nil {
			errs = append(errs, r.CurId().String()+": "+err.Error())
			continue
		}
		gvk := r.GetGvk()
		id := fmt.Sprintf("%s %s/%s", gvk.Kind, r.GetNamespace(), r.GetName())
		if err := decodeStrict(gvk.Group, gvk.Version, gvk.Kind, data); err != nil {
			errs = append(errs, id+": "+err.Error())
			continue
		}
		var obj map[string]any
		if err := json.Unmarshal(data, &obj); err != nil {
			errs = append(errs, id+": "+err.Error())
			continue
		}
		objects = append(objects, obj)
	}
	return objects, errs
}
