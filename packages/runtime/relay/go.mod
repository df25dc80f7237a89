module github.com/mp4totext/mp4totext/packages/runtime/relay

go 1.24
