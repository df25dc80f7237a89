import { api, clearSession, signIn, signOut } from "../api.js";
import { alertBox, field, h, mount } from "../dom.js";

/** A form whose submit runs `action` with its values, showing the API's message on failure. */
function form(label, inputs, submitText, action) {
  const out = h("div", { class: "form-out" });
  const button = h("button", { type: "submit" }, submitText);
  const f = h("form", { class: "card narrow", "aria-label": label }, ...inputs, button, out);
  f.addEventListener("submit", async (e) => {
    e.preventDefault();
    button.disabled = true;
    out.replaceChildren();
    try {
      await action(Object.fromEntries(new FormData(f)), out);
    } catch (err) {
      out.replaceChildren(alertBox(err.message));
    } finally {
      button.disabled = false;
    }
  });
  return f;
}

const email = () => field("Email", h("input", { name: "email", type: "email", autocomplete: "username", required: true, maxlength: 254 }));
const password = (name, label, autocomplete) =>
  field(
    label,
    h("input", { name, type: "password", autocomplete, required: true, minlength: autocomplete === "new-password" ? 12 : 1, maxlength: 1024 }),
    autocomplete === "new-password" ? "At least 12 characters; common passwords are refused." : undefined,
  );

export async function signInPage() {
  // The form first; how to get an account is filled in when the server has said (one round trip less on a slow line).
  const join = h("p", {}, "No account yet? ", h("a", { href: "#/signup" }, "Create one"));
  mount(
    h("h1", {}, "Sign in"),
    form("Sign in", [email(), password("password", "Password", "current-password")], "Sign in", async (v) => {
      await signIn(v.email, v.password);
      location.hash = "#/jobs";
    }),
    join,
  );
  const mode = await api("/v1/auth/registration", { auth: false }).then(
    (r) => r.mode,
    () => "open",
  );
  if (mode === "closed") join.replaceChildren("New accounts are made by an administrator.");
}

export async function signUpPage() {
  const mode = await api("/v1/auth/registration", { auth: false }).then(
    (r) => r.mode,
    () => "open",
  );
  if (mode === "closed") {
    return void mount(
      h("h1", {}, "Create an account"),
      alertBox("Registration is closed here: ask an administrator for an account.", "notice"),
      h("p", {}, h("a", { href: "#/signin" }, "Sign in")),
    );
  }
  const inputs = [email(), password("password", "Password", "new-password")];
  if (mode === "invite")
    inputs.push(
      field(
        "Invite code",
        h("input", { name: "inviteCode", required: true, maxlength: 2048, autocomplete: "off" }),
        "Registration here needs an invite made for your email.",
      ),
    );
  mount(
    h("h1", {}, "Create an account"),
    form("Create an account", inputs, "Create account", async (v) => {
      await api("/v1/auth/register", {
        method: "POST",
        auth: false,
        body: { email: v.email, password: v.password, ...(v.inviteCode ? { inviteCode: v.inviteCode } : {}) },
      });
      // The answer is the same for a taken email; signing in tells.
      await signIn(v.email, v.password);
      location.hash = "#/upload";
    }),
    h("p", {}, "Have an account? ", h("a", { href: "#/signin" }, "Sign in")),
  );
}

export async function accountPage() {
  const me = await api("/v1/me");
  mount(
    h("h1", {}, "Account"),
    h(
      "section",
      { class: "card narrow", "aria-labelledby": "acct-h" },
      h("h2", { id: "acct-h" }, "Signed in"),
      h("p", {}, `${me.email} · ${me.sessions} active session${me.sessions === 1 ? "" : "s"}`),
      h(
        "div",
        { class: "row" },
        h("button", { type: "button", onclick: () => signOut() }, "Sign out"),
        h(
          "button",
          {
            type: "button",
            class: "secondary",
            onclick: async () => {
              await api("/v1/auth/logout", { method: "POST", body: { all: true } }).catch(() => undefined);
              clearSession();
            },
          },
          "Sign out everywhere",
        ),
        me.role === "admin" ? h("a", { class: "button secondary", href: "/dashboard/" }, "Operators' dashboard") : null,
      ),
    ),
    h("h2", {}, "Change password"),
    form(
      "Change password",
      [password("currentPassword", "Current password", "current-password"), password("newPassword", "New password", "new-password")],
      "Change password",
      async (v, out) => {
        await api("/v1/auth/password", { method: "POST", body: { currentPassword: v.currentPassword, newPassword: v.newPassword } });
        out.replaceChildren(alertBox("Password changed; your other sessions have ended.", "notice"));
      },
    ),
  );
}
