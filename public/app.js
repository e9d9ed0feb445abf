// The storefront: plain DOM, no framework. Products come from GET /api/products, their live
// availability from one EventSource per product (GET /api/products/:id/stream), and the buy flow
// is POST /api/holds then POST /api/orders. Text from the server only ever goes in textContent.
'use strict';

const cards = new Map(); // product id → { product, element }
let hold = null; // the shopper's active hold
let ticker = null;

const $ = (id) => document.getElementById(id);

/** What a shopper reads for each refusal of the API (problem+json `code`, or the status). */
function refusalText(status, problem, headers) {
  const retry = Number(headers.get('retry-after'));
  const wait = Number.isFinite(retry) && retry > 0 ? ` Try again in ${retry} s.` : '';
  switch (problem.code) {
    case 'insufficient-stock':
      return problem.available > 0
        ? `Only ${problem.available} left: choose a smaller quantity.`
        : 'Sold out: every unit is taken. Held units come back if their holders do not order in time.';
    case 'sale-not-started':
      return `The sale has not started yet: it opens ${problem.starts_at ? 'at ' + new Date(problem.starts_at).toLocaleString() : 'soon'}.`;
    case 'sale-ended':
      return 'The sale has ended.';
    case 'customer-limit-reached':
      return `Limit reached: you may have ${problem.remaining ?? 0} more of this product.`;
    case 'hold-expired':
      return 'Your hold expired: its units are back on sale. Hold again to buy.';
    case 'hold-released':
      return 'This hold was released and cannot become an order.';
  }
  if (status === 429) return `Too many requests from your connection.${wait}`;
  if (status === 503) return `The shop is very busy right now.${wait}`;
  if (status === 401) return 'Please sign in to buy.';
  return problem.detail || `The request was refused (${status}).`;
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error('refused'), { text: refusalText(response.status, data, response.headers) });
  return data;
}

function say(text, refusal = false) {
  const message = $('message');
  message.textContent = text;
  message.className = refusal ? 'refusal' : '';
  message.hidden = false;
}

function formatDuration(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const days = Math.floor(total / 86400);
  const clock = [Math.floor((total % 86400) / 3600), Math.floor((total % 3600) / 60), total % 60]
    .map((n) => String(n).padStart(2, '0'))
    .join(':');
  return days > 0 ? `${days} d ${clock}` : clock;
}

function render(product) {
  const entry = cards.get(product.id);
  entry.product = product;
  const card = entry.element;
  card.querySelector('.name').textContent = product.name;
  card.querySelector('.price').textContent = `$${product.price}`;
  card.querySelector('.available').textContent = product.available > 0 ? `${product.available} left` : 'Sold out';
  card.classList.toggle('sold-out', product.available === 0);
  const share = product.stock > 0 ? (100 * product.available) / Math.max(product.stock, 1) : 0;
  card.querySelector('.fill').style.width = `${Math.min(100, share)}%`;
  renderSale(entry);
}

/** The sale window, when the product has one: a countdown to its start, or its end. */
function renderSale(entry) {
  const { product, element } = entry;
  const line = element.querySelector('.sale');
  const now = Date.now();
  const starts = product.sale_starts_at ? Date.parse(product.sale_starts_at) : null;
  const ends = product.sale_ends_at ? Date.parse(product.sale_ends_at) : null;
  if (starts !== null && starts > now) line.textContent = `Sale starts in ${formatDuration(starts - now)}`;
  else if (ends !== null && ends <= now) line.textContent = 'The sale has ended';
  else if (ends !== null) line.textContent = `Sale ends in ${formatDuration(ends - now)}`;
  else line.textContent = '';
}

function follow(productId) {
  const live = cards.get(productId).element.querySelector('.live');
  const source = new EventSource(`/api/products/${productId}/stream`);
  source.addEventListener('product', (event) => render(JSON.parse(event.data)));
  source.addEventListener('open', () => live.classList.add('on'));
  // EventSource reconnects by itself (sending Last-Event-ID); the dot shows the gap meanwhile.
  source.addEventListener('error', () => live.classList.remove('on'));
}

async function takeHold(productId, qty) {
  if (hold) return say('Finish or release your current hold first.', true);
  try {
    hold = await api('POST', '/api/holds', { product_id: productId, qty });
    showHold();
  } catch (error) {
    say(error.text ?? 'The shop could not be reached.', true);
  }
}

function showHold() {
  const name = cards.get(hold.product_id)?.product.name ?? `product ${hold.product_id}`;
  $('basket-text').textContent = `${hold.qty} × ${name}, held for you.`;
  $('basket').hidden = false;
  $('message').hidden = true;
  const tick = () => {
    const left = Date.parse(hold.expires_at) - Date.now();
    $('basket-timer').textContent = `${formatDuration(left)} left to order`;
    if (left <= 0) {
      endHold();
      say('Your hold expired: its units are back on sale. Hold again to buy.', true);
    }
  };
  tick();
  ticker = setInterval(tick, 250);
}

function endHold() {
  clearInterval(ticker);
  hold = null;
  $('basket').hidden = true;
}

async function placeOrder() {
  if (!hold) return;
  try {
    const order = await api('POST', '/api/orders', { hold_id: hold.id });
    endHold();
    say(
      `Order placed: ${order.qty} unit(s), $${order.amount}, waiting for payment until ${new Date(order.pay_by).toLocaleTimeString()}. Order id ${order.id}.`,
    );
  } catch (error) {
    endHold();
    say(error.text ?? 'The shop could not be reached.', true);
  }
}

async function releaseHold() {
  if (!hold) return;
  const id = hold.id;
  endHold();
  try {
    await api('DELETE', `/api/holds/${encodeURIComponent(id)}`);
    say('Hold released: the units are back on sale.');
  } catch (error) {
    say(error.text ?? 'The shop could not be reached.', true);
  }
}

async function start() {
  const list = $('products');
  let products;
  try {
    products = (await api('GET', '/api/products?limit=100')).data;
  } catch (error) {
    $('loading').textContent = error.text ?? 'The shop could not be reached.';
    return;
  }
  $('loading').remove();
  if (products.length === 0) list.textContent = 'No products on sale yet.';
  const template = $('product-card');
  for (const product of products) {
    const element = template.content.firstElementChild.cloneNode(true);
    element.dataset.productId = String(product.id);
    element.querySelector('form').addEventListener('submit', (event) => {
      event.preventDefault();
      takeHold(product.id, Number(new FormData(event.target).get('qty')));
    });
    list.append(element);
    cards.set(product.id, { product, element });
    render(product);
    follow(product.id);
  }
  list.setAttribute('aria-busy', 'false');
  setInterval(() => cards.forEach(renderSale), 1000);
  $('order-button').addEventListener('click', placeOrder);
  $('release-button').addEventListener('click', releaseHold);
}

start();
