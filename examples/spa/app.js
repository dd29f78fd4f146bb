import { Gateway } from "./gateway.js";

const CONTACTS = `query Contacts($page: Int!, $size: Int!) {
  contacts(page: $page, size: $size, sort: "last_name", order: ASC) {
    content { id code first_name last_name company_name email_address }
    paging { page size total }
  }
}`;

const CONTACT = `query Contact($id: ID!) {
  contact(id: $id) {
    id code first_name last_name company_name
    accounts { id number life_cycle_state currency_code balance
      wallet { id code currency_code balance } }
  }
}`;

const CREDIT = `mutation Credit($input: PostJournalInput!) {
  post_journal(input: $input) { id amount wallet { id balance } }
}`;

const PAGE_SIZE = 5;
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const gateway = new Gateway(params.get("gateway") ?? "http://127.0.0.1:8000");
let page = 1;
let wallet = null;
let currentContact = null;

$("gateway-url").textContent = gateway.baseUrl;

function status(text, isError = false) {
  $("status").textContent = text;
  $("status").classList.toggle("error", isError);
}

async function run(action) {
  try {
    await action();
  } catch (error) {
    // A CORS refusal is a TypeError ("Failed to fetch"): the browser hides the answer.
    status(error instanceof TypeError ? `Network error: ${error.message}` : error.message, true);
  }
}

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text ?? "";
  return td;
}

function nameOf(contact) {
  return contact.company_name || [contact.first_name, contact.last_name].filter(Boolean).join(" ");
}

async function showContacts() {
  const { contacts } = await gateway.graphql(CONTACTS, { page, size: PAGE_SIZE });
  const rows = contacts.content.map((contact) => {
    const tr = document.createElement("tr");
    const open = document.createElement("button");
    open.textContent = "Open";
    open.className = "open-contact";
    open.dataset.id = contact.id;
    open.addEventListener("click", () => run(() => showContact(contact.id)));
    const action = document.createElement("td");
    action.append(open);
    tr.append(cell(contact.code), cell(nameOf(contact)), cell(contact.email_address), action);
    return tr;
  });
  $("contacts").replaceChildren(...rows);
  const pages = Math.max(1, Math.ceil(contacts.paging.total / PAGE_SIZE));
  $("page-info").textContent = `Page ${page} of ${pages} (${contacts.paging.total} contacts)`;
  $("previous-page").disabled = page <= 1;
  $("next-page").disabled = page >= pages;
  $("sign-in-view").hidden = true;
  $("contacts-view").hidden = false;
  status("Signed in.");
}

async function showContact(id) {
  const { contact } = await gateway.graphql(CONTACT, { id });
  currentContact = id;
  $("contact-name").textContent = `${nameOf(contact)} (${contact.code ?? contact.id})`;
  $("accounts").replaceChildren(...contact.accounts.map((account) => {
    const tr = document.createElement("tr");
    tr.append(
      cell(account.number), cell(account.life_cycle_state),
      cell(`${account.balance} ${account.currency_code}`),
      cell(account.wallet?.code ?? "no wallet"),
      cell(account.wallet ? `${account.wallet.balance} ${account.wallet.currency_code}` : ""),
    );
    return tr;
  }));
  wallet = contact.accounts.map((a) => a.wallet).find(Boolean) ?? null;
  $("credit-form").hidden = wallet === null;
  $("credit-wallet").textContent = wallet?.code ?? "";
  $("wallet-balance").textContent = wallet ? wallet.balance : "";
  $("contact-view").hidden = false;
  status(`Opened ${nameOf(contact)}.`);
}

$("sign-in-form").addEventListener("submit", (event) => {
  event.preventDefault();
  run(async () => {
    status("Signing in…");
    await gateway.signIn($("username").value, $("password").value);
    $("password").value = "";
    await showContacts();
  });
});

$("key-form").addEventListener("submit", (event) => {
  event.preventDefault();
  run(async () => {
    gateway.useKey($("api-key").value.trim());
    $("api-key").value = "";
    await showContacts();
  });
});

$("previous-page").addEventListener("click", () => run(() => { page -= 1; return showContacts(); }));
$("next-page").addEventListener("click", () => run(() => { page += 1; return showContacts(); }));
$("sign-out").addEventListener("click", () => location.reload());

$("credit-form").addEventListener("submit", (event) => {
  event.preventDefault();
  run(async () => {
    const amount = $("credit-amount").value.trim();
    const { post_journal: journal } = await gateway.graphql(CREDIT, {
      input: {
        wallet_id: wallet.id, amount, type: "CREDIT",
        description: $("credit-description").value || null,
      },
    });
    $("wallet-balance").textContent = journal.wallet.balance;
    $("credit-amount").value = "";
    await showContact(currentContact); // the accounts table shows the new balance too
    status(`Credited ${journal.amount}: the balance is ${journal.wallet.balance}.`);
  });
});
