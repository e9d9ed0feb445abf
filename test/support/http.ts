/** A hold attempt over real HTTP (fetch: each call in parallel on its own connection if need be). */
export async function postHold(
  baseUrl: string,
  productId: number,
  qty = 1,
): Promise<{ status: number; body: Record<string, any>; headers: Headers }> {
  const res = await fetch(`${baseUrl}/api/holds`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ product_id: productId, qty }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any>, headers: res.headers };
}
