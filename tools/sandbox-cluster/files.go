package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"os"
	"strings"
)

// ensureServiceAccountKey creates the key that signs service account tokens,
// once per data dir, so tokens stay valid across restarts.
func ensureServiceAccountKey(path string) (string, error) {
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", err
	}
	data := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	return path, os.WriteFile(path, data, 0o600)
}

// controllerUser is the identity of the in-process controllers.
const controllerUser = "system:sandbox-controllers"

// writeTokenFile copies the user's token CSV and adds a fresh token for the
// in-process controllers, so they never need the admin's token.
func writeTokenFile(userFile, out string) (string, string, error) {
	data, err := os.ReadFile(userFile)
	if err != nil {
		return "", "", err
	}
	buf := make([]byte, 24)
	if _, err := rand.Read(buf); err != nil {
		return "", "", err
	}
	token := hex.EncodeToString(buf)
	content := strings.TrimRight(string(data), "\n") + "\n" +
		fmt.Sprintf("%s,%s,%s,\"system:masters\"\n", token, controllerUser, controllerUser)
	return token, out, os.WriteFile(out, []byte(content), 0o600)
}
