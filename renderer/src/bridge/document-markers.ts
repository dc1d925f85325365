import { PAGES } from '../pages/page-meta';
import { useApp } from '../stores/app';
import { useConnection } from '../stores/connection';
import { useNavigation } from '../stores/navigation';

/**
 * Mirrors app state onto <html> for tests and the window title: `data-connection` is the
 * transport status, `data-app-ready` turns true once connected with app.info loaded, so
 * tests wait on an attribute instead of sleeping.
 */
export function syncDocumentMarkers(): void {
  const update = () => {
    const root = document.documentElement;
    const status = useConnection.getState().state.status;
    root.dataset.connection = status;
    root.dataset.appReady = String(status === 'connected' && useApp.getState().info !== undefined);
    document.title = `${PAGES[useNavigation.getState().page].title} · TrainDeck`;
  };
  update();
  useConnection.subscribe(update);
  useApp.subscribe(update);
  useNavigation.subscribe(update);
}
