// compose-check loads docker-compose.yml with the real compose loader (compose-go, the library
// docker compose itself uses) for one profile and env file, validates it against the compose-spec
// schema, and prints the resolved project as JSON. tests/deploy runs it for every profile.
//
//	compose-check -file docker-compose.yml -env-file deploy/compose/staging.env -profile staging [-project-dir .]
//
// Variables come from the env file and this process's environment (the shell wins, as in
// compose). Any load, interpolation or schema error exits 1 with compose's own message.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	file := flag.String("file", "docker-compose.yml", "compose file")
	envFile := flag.String("env-file", "", "compose env file (--env-file)")
	profile := flag.String("profile", "", "compose profile (--profile)")
	projectDir := flag.String("project-dir", "", "project directory (--project-directory); default: the file's")
	flag.Parse()
	if err := run(*file, *envFile, *profile, *projectDir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(file, envFile, profile, projectDir string) error {
	abs, err := filepath.Abs(file)
	if err != nil {
		return err
	}
	if projectDir == "" {
		projectDir = filepath.Dir(abs)
	}
	opts := []cli.ProjectOptionsFn{
		cli.WithName("mp4totext"),
		cli.WithWorkingDirectory(projectDir),
		cli.WithOsEnv,
		cli.WithInterpolation(true),
		cli.WithResolvedPaths(true),
	}
	if envFile != "" {
		opts = append(opts, cli.WithEnvFiles(envFile), cli.WithDotEnv)
	}
	if profile != "" {
		opts = append(opts, cli.WithProfiles([]string{profile}))
	}
	options, err := cli.NewProjectOptions([]string{abs}, opts...)
	if err != nil {
		return err
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		return err
	}
	out, err := json.MarshalIndent(project, "", "  ")
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(append(out, '\n'))
	return err
}
