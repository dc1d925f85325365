/* eslint-disable simple-import-sort/imports -- here the import order is the load order: zod config, then base CSS, then components. */
// First: configures zod before any shared schema is built (see the file).
import './zod-jitless';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// Tokens and base rules first, so component styles come after them in the bundle.
import './styles/tokens.css';
import './styles/base.css';
import './styles/forms.css';
import { App } from './app';
import { startBridge } from './bridge/bridge';
import { syncDocumentMarkers } from './bridge/document-markers';
import { applyCachedTheme } from './theme';

// The last session's theme before the first paint; main's saved one follows with the settings.
applyCachedTheme();
// The bridge starts outside React so StrictMode's double effects cannot subscribe twice.
startBridge();
syncDocumentMarkers();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
