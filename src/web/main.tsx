// Entry point of the dashboard bundle: mounts the app into #app.
import { render } from 'preact';
import { App } from './components/app.js';
import './styles.css';
import './pages.css';
import './states.css';

render(<App />, document.getElementById('app')!);
