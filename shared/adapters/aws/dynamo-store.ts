import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OwnerStore } from '../../ports/owner-store.js';
import type {
  AlertRepository,
  CheckReadRepository,
  ConnectionRepository,
  HistoryRepository,
  HubRepository,
  ListRepository,
  NoticeRepository,
  OAuthStateRepository,
  PlatformHealthRepository,
  PostRepository,
  ReconcileRepository,
  ReconnectLinkRepository,
  ScanRunRepository,
  Store,
  WorkspaceRepository,
} from '../../ports/store.js';
import { DynamoAlerts } from './store/alerts.js';
import { DynamoCheckReads } from './store/check-reads.js';
import { TableAccess } from './store/base.js';
import { DynamoConnections } from './store/connections.js';
import { DynamoHistory } from './store/history.js';
import { DynamoHubs } from './store/hubs.js';
import { DynamoLists } from './store/lists.js';
import { DynamoNotices } from './store/notices.js';
import { DynamoOAuthStates } from './store/oauth-states.js';
import { DynamoOwnerStore } from './store/owners.js';
import { DynamoPlatformHealth } from './store/platform-health.js';
import { DynamoPosts } from './store/posts.js';
import { DynamoReconcile } from './store/reconcile.js';
import { DynamoReconnectLinks } from './store/reconnect-links.js';
import { DynamoScanRuns } from './store/scan-runs.js';
import { DynamoWorkspaces } from './store/workspaces.js';
import { DynamoRateBudgets, DynamoScanClaims } from './due-index.js';

/** The Store port over the service's one table: one repository per file in ./store/, one table client shared by all. */
export class DynamoStore implements Store {
  readonly workspaces: WorkspaceRepository;
  readonly hubs: HubRepository;
  readonly connections: ConnectionRepository;
  readonly posts: PostRepository;
  readonly alerts: AlertRepository;
  readonly oauthStates: OAuthStateRepository;
  readonly notices: NoticeRepository;
  readonly platformHealth: PlatformHealthRepository;
  readonly scanRuns: ScanRunRepository;
  readonly reconcile: ReconcileRepository;
  readonly lists: ListRepository;
  readonly reconnectLinks: ReconnectLinkRepository;
  readonly history: HistoryRepository;
  readonly owners: OwnerStore;
  readonly checkReads: CheckReadRepository;
  readonly scanClaims: DynamoScanClaims;
  readonly rateBudgets: DynamoRateBudgets;

  constructor(client: DynamoDBClient, tableName: string) {
    const db = new TableAccess(DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }), tableName);
    this.workspaces = new DynamoWorkspaces(db);
    this.hubs = new DynamoHubs(db);
    this.connections = new DynamoConnections(db);
    this.posts = new DynamoPosts(db);
    this.alerts = new DynamoAlerts(db);
    this.oauthStates = new DynamoOAuthStates(db);
    this.notices = new DynamoNotices(db);
    this.platformHealth = new DynamoPlatformHealth(db);
    this.scanRuns = new DynamoScanRuns(db);
    this.reconcile = new DynamoReconcile(db);
    this.lists = new DynamoLists(db);
    this.reconnectLinks = new DynamoReconnectLinks(db);
    this.history = new DynamoHistory(db);
    this.owners = new DynamoOwnerStore(db);
    this.checkReads = new DynamoCheckReads(db);
    this.scanClaims = new DynamoScanClaims(db.doc, db.tableName);
    this.rateBudgets = new DynamoRateBudgets(db.doc, db.tableName);
  }
}
