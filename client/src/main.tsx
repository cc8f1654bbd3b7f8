import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import './styles/base.css';
import './styles/layout.css';
import './styles/cells.css';
import './styles/outputs.css';
import './styles/syntax.css';
import './styles/overlays.css';
import './styles/small-screens.css';
import './styles/sidebar.css';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
