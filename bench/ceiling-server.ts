// The `ceiling` scenario's server: a bare Fastify route answering what GET /api/products/:id
// answers, with nothing behind it. It is the most this machine's HTTP stack can do, the figure
// the real service's reads are compared against.
import Fastify from 'fastify';

const app = Fastify({ logger: false });

app.get('/health', async () => ({ status: 'ok' }));
app.get<{ Params: { id: string } }>('/api/products/:id', async (request) => ({
  id: Number(request.params.id),
  name: 'Flash Sneaker',
  price: '99.00',
  stock: 100,
  available: 100,
}));

const shutdown = () => void app.close().then(() => process.exit(0));
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);

app.listen({ port: Number(process.env.PORT ?? 3001), host: '127.0.0.1' }).catch((error) => {
  console.error(error);
  process.exit(1);
});
