package main

import (
	"errors"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	sigsjson "sigs.k8s.io/json"
)

// The official type of each kind the manifests may use, by apiVersion and kind.
var types = map[string]func() any{
	"v1/ConfigMap":                             func() any { return &corev1.ConfigMap{} },
	"v1/Secret":                                func() any { return &corev1.Secret{} },
	"v1/Service":                               func() any { return &corev1.Service{} },
	"v1/ServiceAccount":                        func() any { return &corev1.ServiceAccount{} },
	"v1/Namespace":                             func() any { return &corev1.Namespace{} },
	"apps/v1/Deployment":                       func() any { return &appsv1.Deployment{} },
	"apps/v1/StatefulSet":                      func() any { return &appsv1.StatefulSet{} },
	"policy/v1/PodDisruptionBudget":            func() any { return &policyv1.PodDisruptionBudget{} },
	"networking.k8s.io/v1/NetworkPolicy":       func() any { return &networkingv1.NetworkPolicy{} },
	"networking.k8s.io/v1/Ingress":             func() any { return &networkingv1.Ingress{} },
	"autoscaling/v2/HorizontalPodAutoscaler":   func() any { return &autoscalingv2.HorizontalPodAutoscaler{} },
	"rbac.authorization.k8s.io/v1/Role":        func() any { return &rbacv1.Role{} },
	"rbac.authorization.k8s.io/v1/RoleBinding": func() any { return &rbacv1.RoleBinding{} },
	"keda.sh/v1alpha1/ScaledObject":            func() any { return &ScaledObject{} },
	"keda.sh/v1alpha1/TriggerAuthentication":   func() any { return &TriggerAuthentication{} },
}

// decodeStrict decodes data into the kind's type, case-sensitively, refusing unknown and
// duplicate fields (sigs.k8s.io/json is the decoder the API server's strict field validation uses).
func decodeStrict(group, version, kind string, data []byte) error {
	apiVersion := version
	if group != "" {
		apiVersion = group + "/" + version
	}
	make, ok := types[apiVersion+"/"+kind]
	if !ok {
		return fmt.Errorf("no API type known for %s %s: add it to kube-check", apiVersion, kind)
	}
	obj := make()
	strict, err := sigsjson.UnmarshalStrict(data, obj)
	if err != nil {
		return err
	}
	if len(strict) > 0 {
		return errors.Join(strict...)
	}
	if v, ok := obj.(interface{ validate() error }); ok {
		return v.validate()
	}
	return nil
}
