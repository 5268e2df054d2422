import { ChannelIdentity } from './channel-identity.entity.ts';
import { ChatDeliveryFailure } from './chat-delivery-failure.entity.ts';
import { ChatFeedback } from './chat-feedback.entity.ts';
import { ChatMedia } from './chat-media.entity.ts';
import { ChatMessage } from './chat-message.entity.ts';
import { DigestDelivery } from './digest-delivery.entity.ts';
import { FxRate } from './fx-rate.entity.ts';
import { LinkAttempt, LinkCode } from './link-code.entity.ts';
import { MarketplaceConnection } from './marketplace-connection.entity.ts';
import { OAuthState } from './oauth-state.entity.ts';
import { ProcessedEvent } from './processed-event.entity.ts';
import { ProductRollup, SalesRollup, SalesRollupMark, SalesRollupState } from './sales-rollup.entity.ts';
import { SellerAlert } from './seller-alert.entity.ts';
import { SlackInstallation } from './slack-installation.entity.ts';
import { SyncLease } from './sync-lease.entity.ts';
import { SyncQuarantine } from './sync-quarantine.entity.ts';
import { SyncRun } from './sync-run.entity.ts';
import { TokenBudget } from './token-budget.entity.ts';
import { UnifiedOrder } from './unified-order.entity.ts';
import { UnifiedOrderItem } from './unified-order-item.entity.ts';
import { UnifiedProduct } from './unified-product.entity.ts';
import { User } from './user.entity.ts';

export {
  ChannelIdentity,
  ChatDeliveryFailure,
  ChatFeedback,
  ChatMedia,
  ChatMessage,
  DigestDelivery,
  FxRate,
  LinkAttempt,
  LinkCode,
  MarketplaceConnection,
  OAuthState,
  ProcessedEvent,
  ProductRollup,
  SalesRollup,
  SalesRollupMark,
  SalesRollupState,
  SellerAlert,
  SlackInstallation,
  SyncLease,
  SyncQuarantine,
  SyncRun,
  TokenBudget,
  UnifiedOrder,
  UnifiedOrderItem,
  UnifiedProduct,
  User,
};

export const ENTITIES = [
  User,
  DigestDelivery,
  SellerAlert,
  ChannelIdentity,
  MarketplaceConnection,
  UnifiedOrder,
  UnifiedOrderItem,
  UnifiedProduct,
  SyncRun,
  SyncLease,
  SyncQuarantine,
  FxRate,
  ChatMessage,
  ProcessedEvent,
  ProductRollup,
  SalesRollup,
  SalesRollupMark,
  SalesRollupState,
  LinkCode,
  LinkAttempt,
  ChatFeedback,
  SlackInstallation,
  ChatMedia,
  ChatDeliveryFailure,
  OAuthState,
  TokenBudget,
];
