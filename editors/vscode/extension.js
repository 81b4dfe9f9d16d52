// The tickmark extension: starts `tickmark lsp` for `.tick` files, and two commands that set the
// entity and period the server shows values at.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration("tickmark");
  const command = config.get("path") || "tickmark";
  const server = { command, args: ["lsp"] };
  client = new LanguageClient(
    "tickmark",
    "tickmark",
    { run: server, debug: server },
    {
      documentSelector: [{ scheme: "file", language: "tickmark" }],
      initializationOptions: { inlayHints: config.get("inlayHints") },
      synchronize: {
        configurationSection: "tickmark",
        // data files and tickmark.toml: the server reads the data again when one changes
        fileEvents: vscode.workspace.createFileSystemWatcher("**/{*.toml,*.csv,*.json,*.xlsx}"),
      },
    },
  );
  context.subscriptions.push(
    vscode.commands.registerCommand("tickmark.setFocus", async () => {
      const entity = await vscode.window.showInputBox({ prompt: "Entity", placeHolder: "AMZN" });
      if (!entity) return;
      const period = await vscode.window.showInputBox({ prompt: "Period", placeHolder: "2025Q4" });
      if (!period) return;
      await client.sendRequest("workspace/executeCommand", { command: "tickmark.focus", arguments: [entity, period] });
    }),
    vscode.commands.registerCommand("tickmark.clearFocus", () =>
      client.sendRequest("workspace/executeCommand", { command: "tickmark.focus", arguments: [] }),
    ),
  );
  client.start();
  context.subscriptions.push(client);
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
