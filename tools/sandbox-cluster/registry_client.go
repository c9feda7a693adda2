package main

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"time"

	v1 "k8s.io/api/core/v1"
)

// What OpenShift's importer does for one spec tag `from: DockerImage`: find
// the manifest of <registry>/<repository>:<tag> with the Docker Registry HTTP
// API v2, authenticating with the credentials of the namespace's
// kubernetes.io/dockercfg and kubernetes.io/dockerconfigjson secrets (basic,
// or a bearer token from the registry's token realm), and take its digest.

// imageReference is a parsed `registry/repository[:tag|@digest]`.
type imageReference struct {
	Registry   string
	Repository string
	Tag        string
	Digest     string
}

func (r imageReference) String() string {
	if r.Digest != "" {
		return fmt.Sprintf("%s/%s@%s", r.Registry, r.Repository, r.Digest)
	}
	return fmt.Sprintf("%s/%s:%s", r.Registry, r.Repository, r.Tag)
}

// Repo is the reference without tag or digest.
func (r imageReference) Repo() string { return r.Registry + "/" + r.Repository }

// parseImageReference follows Docker's rule: a first part with a dot, a colon
// or `localhost` is a registry host, else the image is on docker.io.
func parseImageReference(text string) (imageReference, error) {
	var ref imageReference
	rest := text
	if at := strings.Index(rest, "@"); at >= 0 {
		ref.Digest, rest = rest[at+1:], rest[:at]
	}
	if slash := strings.Index(rest, "/"); slash > 0 {
		first := rest[:slash]
		if strings.ContainsAny(first, ".:") || first == "localhost" {
			ref.Registry, rest = first, rest[slash+1:]
		}
	}
	if ref.Registry == "" {
		ref.Registry = "docker.io"
		if !strings.Contains(rest, "/") {
			rest = "library/" + rest
		}
	}
	if colon := strings.LastIndex(rest, ":"); colon >= 0 && ref.Digest == "" {
		ref.Tag, rest = rest[colon+1:], rest[:colon]
	}
	if ref.Tag == "" && ref.Digest == "" {
		ref.Tag = "latest"
	}
	if rest == "" {
		return ref, fmt.Errorf("invalid image reference %q", text)
	}
	ref.Repository = rest
	return ref, nil
}

// credential is a user name and password for one registry.
type credential struct{ Username, Password string }

// keyring maps registry hosts (host[:port]) to credentials.
type keyring map[string]credential

// normalizeRegistryKey turns dockercfg keys (`https://host:port/v1/`, `host`) into host[:port].
func normalizeRegistryKey(key string) string {
	key = strings.TrimPrefix(strings.TrimPrefix(key, "https://"), "http://")
	if slash := strings.Index(key, "/"); slash >= 0 {
		key = key[:slash]
	}
	if key == "index.docker.io" || key == "registry-1.docker.io" {
		return "docker.io"
	}
	return key
}

type dockerConfigEntry struct {
	Auth     string `json:"auth"`
	Username string `json:"username"`
	Password string `json:"password"`
}

// addDockerConfig adds the entries of a `.dockercfg` map or a `.dockerconfigjson` {auths: …}.
func (k keyring) addDockerConfig(entries map[string]dockerConfigEntry) {
	for key, entry := range entries {
		user, pass := entry.Username, entry.Password
		if entry.Auth != "" {
			if decoded, err := base64.StdEncoding.DecodeString(entry.Auth); err == nil {
				if u, p, ok := strings.Cut(string(decoded), ":"); ok {
					user, pass = u, p
				}
			}
		}
		if user != "" || pass != "" {
			k[normalizeRegistryKey(key)] = credential{user, pass}
		}
	}
}

// keyringFromSecrets reads every pull secret in the list, as OpenShift's importer does for a namespace.
func keyringFromSecrets(secrets []v1.Secret) keyring {
	k := keyring{}
	for _, s := range secrets {
		switch s.Type {
		case v1.SecretTypeDockercfg:
			var entries map[string]dockerConfigEntry
			if json.Unmarshal(s.Data[v1.DockerConfigKey], &entries) == nil {
				k.addDockerConfig(entries)
			}
		case v1.SecretTypeDockerConfigJson:
			var config struct {
				Auths map[string]dockerConfigEntry `json:"auths"`
			}
			if json.Unmarshal(s.Data[v1.DockerConfigJsonKey], &config) == nil {
				k.addDockerConfig(config.Auths)
			}
		}
	}
	return k
}

// importError is an import failure with OpenShift's condition reason.
type importError struct {
	Reason  string
	Message string
}

func (e *importError) Error() string { return e.Reason + ": " + e.Message }

var manifestAccept = strings.Join([]string{
	"application/vnd.oci.image.index.v1+json",
	"application/vnd.docker.distribution.manifest.list.v2+json",
	"application/vnd.oci.image.manifest.v1+json",
	"application/vnd.docker.distribution.manifest.v2+json",
}, ", ")

// registryClient talks to registries over HTTPS, trusting the system CAs and the sandbox CA.
type registryClient struct {
	http *http.Client
}

func newRegistryClient(caFile string) (*registryClient, error) {
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, err
		}
		pool.AppendCertsFromPEM(pem)
	}
	transport := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	return &registryClient{http: &http.Client{Transport: transport, Timeout: 15 * time.Second}}, nil
}

// resolve returns the digest of ref's manifest; for a manifest list, the
// digest of this platform's image (OpenShift's default, Legacy import mode).
func (c *registryClient) resolve(ref imageReference, creds keyring) (string, error) {
	host := ref.Registry
	if host == "docker.io" {
		host = "registry-1.docker.io"
	}
	reference := ref.Tag
	if ref.Digest != "" {
		reference = ref.Digest
	}
	body, mediaType, digest, err := c.getManifest(host, ref, reference, creds[ref.Registry])
	if err != nil {
		return "", err
	}
	if strings.Contains(mediaType, "index") || strings.Contains(mediaType, "manifest.list") {
		return platformDigest(body, ref)
	}
	return digest, nil
}

func (c *registryClient) getManifest(host string, ref imageReference, reference string, cred credential) ([]byte, string, string, error) {
	target := fmt.Sprintf("https://%s/v2/%s/manifests/%s", host, ref.Repository, reference)
	res, err := c.send(target, "")
	if err != nil {
		return nil, "", "", &importError{"InternalError", fmt.Sprintf("unable to access the container image %q: %v", ref.String(), err)}
	}
	if res.StatusCode == http.StatusUnauthorized {
		authorization, err := c.authorize(res.Header.Get("WWW-Authenticate"), ref, cred)
		res.Body.Close()
		if err != nil {
			return nil, "", "", err
		}
		if res, err = c.send(target, authorization); err != nil {
			return nil, "", "", &importError{"InternalError", fmt.Sprintf("unable to access the container image %q: %v", ref.String(), err)}
		}
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 8<<20))
	switch {
	case res.StatusCode == http.StatusUnauthorized || res.StatusCode == http.StatusForbidden:
		return nil, "", "", unauthorized(ref, cred)
	case res.StatusCode == http.StatusNotFound:
		return nil, "", "", &importError{"NotFound", fmt.Sprintf("dockerimage.image.openshift.io %q not found", ref.String())}
	case res.StatusCode != http.StatusOK:
		return nil, "", "", &importError{"InternalError", fmt.Sprintf("registry %s answered %s for %q", ref.Registry, res.Status, ref.String())}
	}
	digest := res.Header.Get("Docker-Content-Digest")
	if digest == "" {
		digest = fmt.Sprintf("sha256:%x", sha256.Sum256(body))
	}
	return body, res.Header.Get("Content-Type"), digest, nil
}

func unauthorized(ref imageReference, cred credential) error {
	why := "no pull secret in the namespace has credentials for " + ref.Registry
	if cred.Username != "" || cred.Password != "" {
		why = "the registry rejected the credentials of the namespace's pull secret for " + ref.Registry
	}
	return &importError{"Unauthorized", fmt.Sprintf("you may not have access to the container image %q: %s", ref.String(), why)}
}

// send makes one GET; credentials are sent only after the registry's challenge.
func (c *registryClient) send(target, authorization string) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodGet, target, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", manifestAccept)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	return c.http.Do(req)
}

// authorize answers a WWW-Authenticate challenge: Basic with the credential,
// or Bearer with a token from the realm (credentials sent to the realm only).
func (c *registryClient) authorize(challenge string, ref imageReference, cred credential) (string, error) {
	scheme, params := parseChallenge(challenge)
	hasCred := cred.Username != "" || cred.Password != ""
	switch scheme {
	case "basic":
		if !hasCred {
			return "", unauthorized(ref, cred)
		}
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(cred.Username+":"+cred.Password)), nil
	case "bearer":
		realm, err := url.Parse(params["realm"])
		if err != nil || realm.Scheme != "https" {
			return "", &importError{"InternalError", fmt.Sprintf("registry %s sent an unusable token realm %q", ref.Registry, params["realm"])}
		}
		q := realm.Query()
		if params["service"] != "" {
			q.Set("service", params["service"])
		}
		q.Set("scope", "repository:"+ref.Repository+":pull")
		realm.RawQuery = q.Encode()
		req, _ := http.NewRequest(http.MethodGet, realm.String(), nil)
		if hasCred {
			req.SetBasicAuth(cred.Username, cred.Password)
		}
		res, err := c.http.Do(req)
		if err != nil {
			return "", &importError{"InternalError", fmt.Sprintf("token request to %s: %v", realm.Host, err)}
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return "", unauthorized(ref, cred)
		}
		var token struct {
			Token       string `json:"token"`
			AccessToken string `json:"access_token"`
		}
		if err := json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(&token); err != nil {
			return "", &importError{"InternalError", fmt.Sprintf("token from %s: %v", realm.Host, err)}
		}
		if token.Token == "" {
			token.Token = token.AccessToken
		}
		return "Bearer " + token.Token, nil
	}
	return "", unauthorized(ref, cred)
}

// parseChallenge splits `Bearer realm="…",service="…"` into a lower-case scheme and parameters.
func parseChallenge(header string) (string, map[string]string) {
	scheme, rest, _ := strings.Cut(strings.TrimSpace(header), " ")
	params := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		key, value, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok {
			params[strings.ToLower(key)] = strings.Trim(value, `"`)
		}
	}
	return strings.ToLower(scheme), params
}

// platformDigest picks linux/<this architecture> from a manifest list.
func platformDigest(body []byte, ref imageReference) (string, error) {
	var list struct {
		Manifests []struct {
			Digest   string `json:"digest"`
			Platform struct {
				OS           string `json:"os"`
				Architecture string `json:"architecture"`
			} `json:"platform"`
		} `json:"manifests"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		return "", &importError{"InternalError", fmt.Sprintf("manifest list of %q: %v", ref.String(), err)}
	}
	for _, m := range list.Manifests {
		if m.Platform.OS == "linux" && m.Platform.Architecture == runtime.GOARCH {
			return m.Digest, nil
		}
	}
	return "", &importError{"NotFound", fmt.Sprintf("%q has no linux/%s image", ref.String(), runtime.GOARCH)}
}

// asImportError classifies any error as an import failure.
func asImportError(err error) *importError {
	var ie *importError
	if errors.As(err, &ie) {
		return ie
	}
	return &importError{"InternalError", err.Error()}
}
