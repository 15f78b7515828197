// Starts `ogpu lsp` for .ogpu files (the server does all the work: see README "Editor support").
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("ogpu").get("path", "ogpu");
  client = new LanguageClient("ogpu", "ogpu",
    { command, args: ["lsp"] },
    { documentSelector: [{ scheme: "file", language: "ogpu" }, { scheme: "untitled", language: "ogpu" }] });
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
