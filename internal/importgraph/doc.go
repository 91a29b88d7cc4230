// Package importgraph holds no code, only a test: the imports allowed
// between TinyTorch's packages, so that no arrow creeps back against the
// book's order.
//
// The engine reads in chapter order: a package imports only packages of
// earlier chapters (or the machinery below them), and a later chapter
// reaches into an earlier one through a hook the earlier one defines
// (tensor.Observer, nn.CallObserver, train.PhaseObserver). The test
// states this as a table, one row per engine package in that order, each
// listing the engine packages it may import, and checks every package's
// imports against it, for every platform the project builds for (the
// host's, linux/arm64 and js/wasm) and build tags (browser, newops). It
// also checks the rest of the module:
//
//   - engine/ imports nothing of wasm/, tools/ or the module's internal/
//     (engine/internal/... is the engine's own), and only the standard
//     library besides;
//   - tools/ holds commands only (package main; browsertest is a test
//     suite), and no package imports one of them;
//   - the shipped wasm/ programs link nothing of tools/ and not the site
//     builder;
//   - the tinytorch CLI does not link the site builder (esbuild, goldmark).
//
// It reads the packages with the standard library's go/build, so it needs
// neither the go command nor a module beyond the standard library.
// docs/ARCHITECTURE.md draws the same graph; change both together.
package importgraph
