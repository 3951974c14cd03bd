import type { AuditEvent } from '../core/domain.ts';
import type { AuditFilter, AuditVerification, Page, PageRequest } from '../core/ports/store.ts';
import type { Caller, ServiceDeps } from './context.ts';

/** Read side of the audit log (the write side is `audit()` inside each service's transaction). */
export class AuditQueryService {
  constructor(private readonly deps: ServiceDeps) {}

  list(_caller: Caller, filter: AuditFilter = {}, page?: PageRequest): Promise<Page<AuditEvent>> {
    return this.deps.store.audit.list(filter, page);
  }

  verify(_caller: Caller): Promise<AuditVerification> {
    return this.deps.store.audit.verify();
  }
}
