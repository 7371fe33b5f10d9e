import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../shared/http/openapi';
import { REFUSAL_CODES } from '../../shared/app/errors';
import { ERROR_CODES } from '../../shared/domain/errors';
import { EDGE_CODES } from '../../shared/http/errors';
import { ROUTES } from '../../shared/http/routes';

const doc = openApiDocument() as any;
const operation = (route: (typeof ROUTES)[number]) => doc.paths[route.path]?.[route.method.toLowerCase()];

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))('describes %s', (_, route) => {
    const op = operation(route);
    expect(op).toBeDefined();
    expect(op.responses).toBeDefined();
    for (const param of route.path.match(/\{(\w+)\}/g) ?? []) {
      expect(op.parameters).toContainEqual(expect.objectContaining({ in: 'path', name: param.slice(1, -1), required: true }));
    }
  });

  it('requires a bearer JWT on every non-public route, and on no public one', () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    for (const route of ROUTES) {
      const security = operation(route).security;
      if ('public' in route && route.public) expect(security).toEqual([]);
      else {
        expect(security).toEqual([{ bearerAuth: [] }]);
        expect(operation(route).responses['401']).toBeDefined();
      }
    }
  });

  it('uses the Error schema for refusals', () => {
    const submit = doc.paths['/v1/years/{year}/proposals'].post;
    for (const status of ['400', '401', '403', '404', '409', '422']) {
      expect(submit.responses[status].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
    }
  });

  it('is generated from the request schemas: strict bodies, CSV import, CSV report', () => {
    expect(doc.components.schemas.SubmitProposal).toMatchObject({ additionalProperties: false, required: ['receiver', 'perMille'] });
    const importShares = doc.paths['/v1/years/{year}/shares'].put.requestBody.content;
    expect(Object.keys(importShares).sort()).toEqual(['application/json', 'text/csv']);
    expect(Object.keys(doc.paths['/v1/years/{year}/counties/{county}/report'].get.responses['200'].content).sort()).toEqual(['application/json', 'text/csv']);
    expect(doc.paths['/v1/years/{year}/proposals'].post.responses['201'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Proposal' });
  });

  it("describes the leadership's resolution on proposals, amendments and answers, and the decision's reason", () => {
    for (const id of ['SubmitProposal', 'AmendProposal', 'Consent']) {
      const { properties } = doc.components.schemas[id];
      expect(properties.decisionReference, id).toMatchObject({ type: 'string', maxLength: 200, description: expect.any(String) });
      expect(properties.comment, id).toMatchObject({ type: 'string', maxLength: 2000, description: expect.any(String) });
      expect(properties.contact, id).toMatchObject({ type: 'object', additionalProperties: false, description: expect.any(String) });
      expect(properties.contact.properties.email, id).toMatchObject({ format: 'email', description: expect.any(String) });
      expect(properties.contact.properties.phone, id).toMatchObject({ pattern: expect.any(String), description: expect.any(String) });
    }
    expect(doc.components.schemas.Decision.properties.reason).toMatchObject({ maxLength: 2000, description: expect.any(String) });
  });

  it('lists every refusal code the API gives as an enum of the Error schema', () => {
    const codes = doc.components.schemas.Error.properties.error.properties.code;
    expect(codes.type).toBe('string');
    expect([...codes.enum].sort()).toEqual([...new Set([...ERROR_CODES, ...REFUSAL_CODES, ...EDGE_CODES])].sort());
    expect(codes.enum).toEqual(expect.arrayContaining(['SAME_MUNICIPALITY', 'FORBIDDEN', 'MILESTONE_PASSED', 'IDEMPOTENCY_KEY_REUSED', 'LEDGER_BUSY']));
  });

  it('takes the optional Idempotency-Key header on every signed-in POST, PUT, PATCH and DELETE, and on no other route', () => {
    for (const route of ROUTES) {
      const header = (operation(route).parameters ?? []).find((p: { in: string; name: string }) => p.in === 'header' && p.name === 'Idempotency-Key');
      const takesKey = !('public' in route && route.public) && route.method !== 'GET';
      if (takesKey) expect(header, route.name).toMatchObject({ required: false, schema: { type: 'string', minLength: 1, maxLength: 255 } });
      else expect(header, route.name).toBeUndefined();
    }
  });
});
