// The `ogpu` command: everything is in OGPUCommand (Sources/OGPUCommand), which `ogpu-mcp` shares.
import OGPUCommand

OGPUCommand.main()
